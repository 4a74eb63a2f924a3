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
}
