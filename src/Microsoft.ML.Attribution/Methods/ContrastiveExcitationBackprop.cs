using Microsoft.ML.Attribution.Composites;
using Microsoft.ML.Attribution.Graph;
using Microsoft.ML.Attribution.Graph.Layers;
using Microsoft.ML.Attribution.Rules;
using Microsoft.ML.Attribution.Tensors;
using static TorchSharp.torch;

namespace Microsoft.ML.Attribution.Methods;

/// <summary>
/// Contrastive excitation backprop, c-MWP (Zhang et al. 2016/2018, methods.md §5.9 as TorchRay does it): a dual pass
/// with the classifier's weights negated runs from the target's seed down to the contrast layer; the ordinary pass then
/// replaces its probabilities there by (p − p_dual), signed, and continues to the saliency layer. Map =
/// max(Σ_channels, 0) at the saliency layer, resized bilinearly to the input: [N, 1, H, W]. Extras["relevance"]
/// holds the unreduced contrastive probabilities at the saliency layer.
/// </summary>
public sealed class ContrastiveExcitationBackprop : AttributionMethod
{
    private readonly Layer? _saliency;
    private readonly Layer _contrast;
    private readonly Layer _classifier;

    public ContrastiveExcitationBackprop(Network network, ContrastiveExcitationBackpropOptions? options = null) : base(network)
    {
        Options = options ?? new ContrastiveExcitationBackpropOptions();
        _classifier = Options.ClassifierLayer is { } classifier
            ? ExcitationMaps.FindLayer(network, classifier, nameof(Options.ClassifierLayer))
            : network.Classifier;
        if (_classifier is not (Linear or Conv2d))
            throw new ArgumentException($"The classifier layer '{_classifier.Name}' is a {_classifier.Kind}; c-MWP negates the weights of a Linear or Conv layer.", nameof(options));
        _contrast = Options.ContrastLayer is { } contrast
            ? ExcitationMaps.FindLayer(network, contrast, nameof(Options.ContrastLayer))
            : network.ProducerOf(_classifier.Inputs[0])
              ?? throw new ArgumentException($"The classifier '{_classifier.Name}' reads the network input; name a contrast layer.", nameof(options));
        _saliency = ExcitationMaps.SpatialLayer(network, Options.SaliencyLayer, nameof(Options.SaliencyLayer));
        int classifierAt = network.IndexOf(_classifier.Name), contrastAt = network.IndexOf(_contrast.Name);
        if (contrastAt >= classifierAt)
            throw new ArgumentException($"The contrast layer '{_contrast.Name}' must come before the classifier '{_classifier.Name}'.", nameof(options));
        if (_saliency is not null && network.IndexOf(_saliency.Name) > contrastAt)
            throw new ArgumentException($"The saliency layer '{_saliency.Name}' must not come after the contrast layer '{_contrast.Name}'.", nameof(options));
    }

    public ContrastiveExcitationBackpropOptions Options { get; }

    public override string Name => "contrastive-excitation-backprop";

    protected override AttributionMap Compute(Tensor input, Target target, CancellationToken cancellation)
    {
        Composite composite = NamedComposites.ExcitationBackprop();
        Composite dual = composite.WithLayerRules(new Dictionary<string, IRule> { [_classifier.Name] = new ExcitationRule(negateWeights: true) });
        using Tape tape = Network.Record(input);
        var (targets, scores) = ResolveTargets(tape.Logits, target);
        using Tensor seed = ExcitationMaps.Seed(tape.Logits, targets);

        string contrast = _contrast.Output;
        using BackwardResult opposed = Backpropagation.Run(tape, seed, dual.For(Network), capture: [contrast], stopAt: contrast, cancellation: cancellation);
        Tensor against = opposed.Captured[contrast];

        string? value = _saliency?.Output;
        using BackwardResult result = Backpropagation.Run(tape, seed, composite.For(Network),
            capture: value is null ? null : [value], stopAt: value, cancellation: cancellation,
            adjust: (name, p) => name == contrast ? p - against : null);
        Tensor relevance = value is null ? result.Input! : result.Captured[value];
        Tensor map = ExcitationMaps.Readout(relevance, input, positivePart: true);
        return new AttributionMap(Name, map, targets, scores, new Dictionary<string, Tensor> { ["relevance"] = relevance.alias() });
    }
}
