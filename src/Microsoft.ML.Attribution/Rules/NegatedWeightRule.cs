using Microsoft.ML.Attribution.Graph;
using Microsoft.ML.Attribution.Tensors;
using static TorchSharp.torch;

namespace Microsoft.ML.Attribution.Rules;

/// <summary>
/// Another affine rule applied as if the layer's weights (and bias) were negated. CLRP2's dual concept (methods.md §3.3)
/// is the classifier with its weights negated: with the z⁺ rule this spreads the target's relevance over the units
/// whose contributions argue against the class, i.e. weights max(−W_t, 0).
/// </summary>
public sealed class NegatedWeightRule(LinearRule inner) : LinearRule
{
    public LinearRule Inner { get; } = inner ?? throw new ArgumentNullException(nameof(inner));


    public override string Name => $"negated-{Inner.Name}";

    protected override Tensor Relevance(ILinearLayer layer, Tensor input, Tensor relevance) =>
        Inner.RelevanceOf(new NegatedLayer(layer), input, relevance);

    /// <summary>The layer seen with −W and −b; runs inside the rule's dispose scope, which frees the negated copies.</summary>
    private sealed class NegatedLayer(ILinearLayer layer) : ILinearLayer
    {
        private Tensor? _weight, _bias;

        // Made on first use: the modified passes below never need them.
        public Tensor Weight => _weight ??= layer.Weight.neg();

        public Tensor? Bias => _bias ??= layer.Bias?.neg();

        public Tensor ForwardWith(Tensor input, Tensor weight, Tensor? bias) => layer.ForwardWith(input, weight, bias);

        public Tensor TransposeWith(Tensor gradOutput, Tensor input, Tensor weight) => layer.TransposeWith(gradOutput, input, weight);

        public bool RunsModifiedPassesItself => layer.RunsModifiedPassesItself;


        // Named as "negated, then m", so the wrapped layer can keep kernels for these weights too.
        public Tensor ForwardModified(Tensor input, WeightModifier modifier, bool withBias) =>
            layer.ForwardModified(input, WeightModifier.Negated.Then(modifier), withBias);

        public Tensor TransposeModified(Tensor gradOutput, Tensor input, WeightModifier modifier) =>
            layer.TransposeModified(gradOutput, input, WeightModifier.Negated.Then(modifier));
    }
}
