using static Microsoft.ML.Attribution.Torch.torch;

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
    /// weights per call — from kernels the layer keeps (qualifying convolutions) or block by block (large dense layers) —
    /// so rules call them directly; otherwise rules make the modified weights themselves, once per rule call.
    /// </summary>
    bool RunsModifiedPassesItself => false;

    /// <summary>
    /// L(x; m(W)) + m(b) (the bias only with <paramref name="withBias"/>). A layer may keep kernels made from the
    /// modified weights, keyed by <see cref="WeightModifier.Key"/>, so repeated passes skip modifying and packing them.
    /// </summary>
    Tensor ForwardModified(Tensor input, WeightModifier modifier, bool withBias) => ForwardWithModifiedCopies(this, input, modifier, withBias);

    /// <summary>
    /// <paramref name="s"/> with the units whose whole window of <paramref name="x"/> is zero set to 0, where this layer's
    /// transpose would otherwise spread such a unit's value onto its neighbours as rounding (Winograd mixes a tile). A
    /// rule that takes x ⊙ Lᵀ(s) loses nothing by it: those units meet only zeros. By default s itself.
    /// </summary>
    Tensor DropUnitsOverZeroWindows(Tensor s, Tensor x, Tensor input) => s;

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
