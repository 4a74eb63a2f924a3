using Microsoft.ML.Attribution.Maps;

namespace Microsoft.ML.Attribution.Metrics;

/// <summary>
/// Settings of <see cref="CascadingRandomization"/>; the defaults are PathwayGrad's sanity-check harness (methods.md §4.3):
/// N(0, 0.1) for weights and biases, seed 12, the target re-evaluated on every randomized model.
/// </summary>
public sealed record CascadingRandomizationOptions
{
    /// <summary>Standard deviation of the re-initialized weights (and biases).</summary>
    public double Sigma { get; init; } = 0.1;

    /// <summary>Base seed; a layer is drawn with Seed + its index in the network, so a layer's draw does not depend on the grouping.</summary>
    public long Seed { get; init; } = 12;

    /// <summary>Draw biases from N(0, σ²) too (as PathwayGrad); false sets them to zero.</summary>
    public bool BiasesToo { get; init; } = true;

    /// <summary>
    /// The steps, from the output towards the input: each step re-initializes the named layers, then the maps are taken.
    /// Null = <see cref="CascadingRandomization.DefaultBlocks"/> (every convolution and dense layer a step of its own).
    /// </summary>
    public IReadOnlyList<IReadOnlyList<string>>? Blocks { get; init; }

    /// <summary>Explain argmax f(x) of the current (randomized) model at every step (the protocol); false keeps the original model's top-1 class.</summary>
    public bool ReevaluateTarget { get; init; } = true;

    /// <summary>How [N, C, H, W] maps become single-channel before comparing (Sum keeps the sign).</summary>
    public ChannelReduction Reduction { get; init; } = ChannelReduction.Sum;

    public SimilarityOptions Similarity { get; init; } = SimilarityOptions.SanityChecks;
}
