using Microsoft.ML.Attribution.Maps;

namespace Microsoft.ML.Attribution.Metrics;

/// <summary>How <see cref="ClassSensitivityStudy"/> contrasts classes and compares maps (methods.md §4.3).</summary>
public sealed record ClassSensitivityStudyOptions
{
    /// <summary>The class the top-1 map is compared with: the least likely (default, the most stringent) or a random other.</summary>
    public ClassContrast Contrast { get; init; } = ClassContrast.MinLogit;

    /// <summary>Seed of <see cref="ClassContrast.RandomOther"/>; image i draws with Seed + i.</summary>
    public int Seed { get; init; }

    /// <summary>
    /// How [N, C, H, W] maps become single-channel before comparing. Sum keeps the sign, so the signed Spearman measures
    /// what the absolute one cannot (CAM maps have one channel and are unaffected).
    /// </summary>
    public ChannelReduction Reduction { get; init; } = ChannelReduction.Sum;

    public SimilarityOptions Similarity { get; init; } = SimilarityOptions.SanityChecks;
}
