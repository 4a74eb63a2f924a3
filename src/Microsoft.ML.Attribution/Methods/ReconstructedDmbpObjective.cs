using Microsoft.ML.Attribution.Tensors;
using static TorchSharp.torch;

namespace Microsoft.ML.Attribution.Methods;

/// <summary>
/// [RECONSTRUCTED] DMBP objective of methods.md §1.4 — consistent with the paper's abstract, not with its (unavailable)
/// text or code; replace it when the official loss is known:
/// L⁺ = (−ΣA⁺ + λ_e Σ|A⁺|)/|f_t| + λ_m·mean_l mean_c m⁺, L⁻ = (ΣA⁻ + λ_e Σ|A⁻|)/|f_t| + λ_m·mean_l mean_c m⁻,
/// loss = L⁺ + L⁻ per row. With 0 &lt; λ_e &lt; 1 the positive mapping is rewarded for positive pixel contributions and
/// penalized more for negative ones (mirrored for the negative mapping); λ_m pushes unused filters off.
/// </summary>
public sealed class ReconstructedDmbpObjective : IDmbpObjective
{
    public ReconstructedDmbpObjective(double energyWeight = 0.5, double maskWeight = 0.05, bool normalizeByLogit = true)
    {
        if (!(energyWeight >= 0) || !(maskWeight >= 0))
            throw new ArgumentOutOfRangeException(nameof(energyWeight), "λ_e and λ_m must be non-negative.");
        EnergyWeight = energyWeight;
        MaskWeight = maskWeight;
        NormalizeByLogit = normalizeByLogit;
    }

    /// <summary>λ_e.</summary>
    public double EnergyWeight { get; }

    /// <summary>λ_m.</summary>
    public double MaskWeight { get; }

    public bool NormalizeByLogit { get; }

    public string Name => "reconstructed";

    public Tensor Loss(DmbpObjectiveInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        using var scope = NewDisposeScope();
        long[] perRow = Enumerable.Range(1, (int)input.Positive.Dimensions - 1).Select(d => (long)d).ToArray();
        Tensor positive = input.Positive.sum(perRow).neg().Plus(input.Positive.abs().sum(perRow).Times(EnergyWeight));
        Tensor negative = input.Negative.sum(perRow).Plus(input.Negative.abs().sum(perRow).Times(EnergyWeight));
        Tensor data = positive.Plus(negative);
        if (NormalizeByLogit) data = data / input.TargetLogits.abs().AtLeast(1e-12);
        Tensor sparsity = MeanMask(input.PositiveMasks).Plus(MeanMask(input.NegativeMasks));
        return data.Plus(sparsity.Times(MaskWeight)).MoveToOuterDisposeScope();
    }

    /// <summary>mean over layers of the mean over channels, per row [N].</summary>
    private static Tensor MeanMask(IReadOnlyList<Tensor> masks) => stack(masks.Select(m => m.mean([1])).ToArray()).mean([0]);
}
