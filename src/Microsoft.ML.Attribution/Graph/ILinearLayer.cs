using Microsoft.ML.Attribution.Tensors;
using static TorchSharp.torch;

namespace Microsoft.ML.Attribution.Graph;

/// <summary>
/// A layer that is an affine map z = L(x; W) + b (convolution, dense, batch norm as a per-channel scale).
/// LRP-type rules evaluate it with modified weights and apply its transpose.
/// </summary>
public interface ILinearLayer
{
    /// <summary>The weight in the form <see cref="ForwardWith"/> takes.</summary>
    Tensor Weight { get; }

    Tensor? Bias { get; }

    /// <summary>L(x; w) + b.</summary>
    Tensor ForwardWith(Tensor input, Tensor weight, Tensor? bias);

    /// <summary>Lᵀ(g; w) for an input shaped like <paramref name="input"/> (the bias plays no part).</summary>
    Tensor TransposeWith(Tensor gradOutput, Tensor input, Tensor weight);

    /// <summary>
    /// Whether <see cref="ForwardModified"/> and <see cref="TransposeModified"/> run without a whole modified copy of the
    /// weights per call (large dense layers, block by block), so rules call them directly; otherwise rules make the
    /// modified weights themselves, once per rule call.
    /// </summary>
    bool RunsModifiedPassesItself => false;

    /// <summary>L(x; m(W)) + m(b) (the bias only with <paramref name="withBias"/>).</summary>
    Tensor ForwardModified(Tensor input, WeightModifier modifier, bool withBias) => ForwardWithModifiedCopies(this, input, modifier, withBias);

    /// <summary>Lᵀ(g; m(W)) for an input shaped like <paramref name="input"/>.</summary>
    Tensor TransposeModified(Tensor gradOutput, Tensor input, WeightModifier modifier) => TransposeWithModifiedCopy(this, gradOutput, input, modifier);

    /// <summary>L(x; m(W)) + m(b) with freshly modified copies, freed after the pass (what layers without kept kernels do).</summary>
    static Tensor ForwardWithModifiedCopies(ILinearLayer layer, Tensor input, WeightModifier modifier, bool withBias)
    {
        using Tensor weight = modifier.Apply(layer.Weight);
        using Tensor? bias = withBias && layer.Bias is { } b ? modifier.Apply(b) : null;
        return layer.ForwardWith(input, weight, bias);
    }

    /// <summary>Lᵀ(g; m(W)) with a freshly modified copy, freed after the pass.</summary>
    static Tensor TransposeWithModifiedCopy(ILinearLayer layer, Tensor gradOutput, Tensor input, WeightModifier modifier)
    {
        using Tensor weight = modifier.Apply(layer.Weight);
        return layer.TransposeWith(gradOutput, input, weight);
    }
}
