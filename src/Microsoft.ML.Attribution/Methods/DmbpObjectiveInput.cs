using Microsoft.ML.Attribution.Tensors;
using static TorchSharp.torch;

namespace Microsoft.ML.Attribution.Methods;

/// <summary>
/// What a DMBP objective sees at one iteration. The tensors belong to the iteration (do not keep or dispose them);
/// <see cref="Positive"/>, <see cref="Negative"/> and the masks carry the autograd graph back to the mask logits.
/// </summary>
public sealed class DmbpObjectiveInput
{
    /// <summary>The images x [N, C, H, W].</summary>
    public required Tensor Input { get; init; }

    /// <summary>A⁺ = x ⊙ B(x, m⁺), the positive mapping's attribution [N, C, H, W].</summary>
    public required Tensor Positive { get; init; }

    /// <summary>A⁻ = x ⊙ B(x, m⁻), the negative mapping's attribution [N, C, H, W].</summary>
    public required Tensor Negative { get; init; }

    /// <summary>Plain gradient × input x ⊙ ∇f_t (no masks), constant [N, C, H, W].</summary>
    public required Tensor GradientTimesInput { get; init; }

    /// <summary>f_t(x), the explained logit of each row [N].</summary>
    public required Tensor TargetLogits { get; init; }

    /// <summary>m⁺ per masked layer, each [N, channels], in <see cref="MaskedLayers"/> order.</summary>
    public required IReadOnlyList<Tensor> PositiveMasks { get; init; }

    /// <summary>m⁻ per masked layer, each [N, channels].</summary>
    public required IReadOnlyList<Tensor> NegativeMasks { get; init; }

    public required IReadOnlyList<string> MaskedLayers { get; init; }

    /// <summary>0-based iteration index.</summary>
    public required int Iteration { get; init; }

    public required int Iterations { get; init; }
}
