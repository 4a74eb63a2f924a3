using Microsoft.ML.Attribution.Graph;
using Microsoft.ML.Attribution.Graph.Layers;
using TorchSharp;
using Microsoft.ML.Attribution.Tensors;
using static TorchSharp.torch;

namespace Microsoft.ML.Attribution.Rules;

/// <summary>
/// Excitation backprop's marginal winning probability through a linear step (methods.md §5.9, TorchRay's rule):
/// p_in = a ⊙ Lᵀ(p ⊘ (L(a; W⁺) + 1e-20); W⁺) for convolutions and dense layers (bias dropped), and
/// p_in = a ⊙ poolᵀ(p ⊘ (pool(a) + 1e-20)) for average pools. The input a is used as it is (signed at the first
/// layer), unlike LRP-z⁺ which splits it by sign; on non-negative inputs the two agree.
/// </summary>
public sealed class ExcitationRule(bool negateWeights = false) : IRule
{
    /// <summary>The additive stabilizer of the reference implementation.</summary>
    public const double Stabilizer = 1e-20;

    public static ExcitationRule Instance { get; } = new();

    /// <summary>
    /// Uses (−W)⁺ instead of W⁺: the "dual" classifier of contrastive MWP, which excites the units that
    /// argue against the target.
    /// </summary>
    public bool NegateWeights { get; } = negateWeights;

    /// <summary>True: like LRP-z⁺, its denominator L(a; W⁺) vanishes only where the input does.</summary>

    public string Name => NegateWeights ? "excitation-negated" : "excitation";

    public bool AppliesTo(Layer layer) =>
        layer is Conv2d or Linear || !NegateWeights && layer is AvgPool2d or AdaptiveAvgPool2d;

    public Tensor[] Backward(LayerTrace trace, Tensor relevance)
    {
        using var scope = NewDisposeScope();
        Tensor a = trace.Input;
        Tensor result;
        if (trace.Layer is ILinearLayer linear and (Conv2d or Linear))
        {
            WeightModifier w = NegateWeights ? WeightModifier.Negated.Then(WeightModifier.Positive) : WeightModifier.Positive;
            using IDisposable shared = ModifiedPasses.Share();
            Tensor z = ModifiedPasses.Forward(linear, a, w, withBias: false);
            Tensor s = relevance / z.Plus(Stabilizer);
            result = ModifiedPasses.Contribution(linear, a, s, a, w);
        }
        else if (trace.Layer is AvgPool2d or AdaptiveAvgPool2d)
        {
            Tensor s = relevance / trace.Output.Plus(Stabilizer);
            result = a * trace.Layer.Backward(trace, s)[0];
        }
        else throw new InvalidOperationException($"Rule '{Name}' cannot be applied to {trace.Layer}.");
        return [result.MoveToOuterDisposeScope()];
    }
}
