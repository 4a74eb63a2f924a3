namespace Microsoft.ML.Attribution.Metrics;

/// <summary>Settings of the deletion / insertion metrics (methods.md §6.3, Petsiuk et al. 2018).</summary>
public sealed record DeletionInsertionOptions
{
    /// <summary>Number of steps when <see cref="PixelsPerStep"/> is not set: 224, i.e. 224 pixels a step on a 224 × 224 image.</summary>
    public const int DefaultStepCount = 224;

    /// <summary>Pixels (all channels) changed per step; null = ⌈H·W / 224⌉.</summary>
    public int? PixelsPerStep { get; init; }

    public PerturbationSubstrate DeletionSubstrate { get; init; } = PerturbationSubstrate.Zero;

    public PerturbationSubstrate InsertionSubstrate { get; init; } = PerturbationSubstrate.Blur;

    /// <summary>Perturbed images sent to the model at once; bounds memory at BatchSize × C × H × W values.</summary>
    public int BatchSize { get; init; } = 32;

    public int BlurKernelSize { get; init; } = 11;

    public double BlurSigma { get; init; } = 5;
}
