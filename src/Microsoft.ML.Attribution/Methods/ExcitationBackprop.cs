using Microsoft.ML.Attribution.Composites;
using Microsoft.ML.Attribution.Graph;
using Microsoft.ML.Attribution.Rules;
using Microsoft.ML.Attribution.Tensors;
using static TorchSharp.torch;

namespace Microsoft.ML.Attribution.Methods;

/// <summary>
/// Excitation backprop (Zhang et al. 2016/2018, methods.md §5.9): the marginal winning probability of each unit when
/// a probability 1 at the target is passed down with W⁺ (bias-free z⁺ on the input as it is). The map is the sum
/// over channels at <see cref="ExcitationBackpropOptions.Layer"/> (the input by default), resized bilinearly to the
/// input: [N, 1, H, W]. Extras["relevance"] holds the unreduced probabilities at that layer.
/// </summary>
public sealed class ExcitationBackprop : AttributionMethod
{
    private readonly Layer? _layer;

    public ExcitationBackprop(Network network, ExcitationBackpropOptions? options = null) : base(network)
    {
        Options = options ?? new ExcitationBackpropOptions();
        _layer = ExcitationMaps.SpatialLayer(network, Options.Layer, nameof(ExcitationBackpropOptions.Layer));
    }

    public ExcitationBackpropOptions Options { get; }

    public override string Name => "excitation-backprop";

    protected override AttributionMap Compute(Tensor input, Target target, CancellationToken cancellation)
    {
        Composite composite = NamedComposites.ExcitationBackprop();
        using Tape tape = Network.Record(input);
        var (targets, scores) = ResolveTargets(tape.Logits, target);
        using Tensor seed = ExcitationMaps.Seed(tape.Logits, targets);
        string? value = _layer?.Output;
        using BackwardResult result = Backpropagation.Run(tape, seed, composite.For(Network),
            capture: value is null ? null : [value], stopAt: value, cancellation: cancellation);
        Tensor relevance = value is null ? result.Input! : result.Captured[value];
        Tensor map = ExcitationMaps.Readout(relevance, input, positivePart: false);
        return new AttributionMap(Name, map, targets, scores, new Dictionary<string, Tensor> { ["relevance"] = relevance.alias() });
    }
}
