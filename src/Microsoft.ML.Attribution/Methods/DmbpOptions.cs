namespace Microsoft.ML.Attribution.Methods;

/// <summary>
/// Options of DMBP. Only the iteration count is confirmed by the official code's usage; the optimizer settings, the
/// initialization and the weights of the default objective are the [RECONSTRUCTED] choices of methods.md §1.4.
/// </summary>
public sealed record DmbpOptions : MethodOptions
{
    /// <summary>Optimization steps per image (official default 200).</summary>
    public int Iterations { get; init; } = 200;

    /// <summary>
    /// Early stop (0 = off, the official behaviour): an image stops once its loss improved by at most this fraction of
    /// its first loss |L₀| over the last <see cref="Patience"/> iterations; its masks then stay fixed. The run ends when every image has
    /// stopped or after <see cref="Iterations"/>. Each image's result is the same alone or in a batch.
    /// </summary>
    public double Tolerance { get; init; }

    /// <summary>The window, in iterations, over which <see cref="Tolerance"/> measures the improvement.</summary>
    public int Patience { get; init; } = 10;

    /// <summary>How the mask gradients are computed; both give the same numbers (tested), the adjoint about twice as fast.</summary>
    public DmbpMaskGradients MaskGradients { get; init; } = DmbpMaskGradients.Adjoint;

    /// <summary>Adam's step size.</summary>
    public double LearningRate { get; init; } = 0.05;

    /// <summary>Adam's decay of the gradient average.</summary>
    public double Beta1 { get; init; } = 0.9;

    /// <summary>Adam's decay of the squared-gradient average.</summary>
    public double Beta2 { get; init; } = 0.999;

    /// <summary>Adam's denominator guard.</summary>
    public double AdamEpsilon { get; init; } = 1e-8;

    /// <summary>Initial mask logit θ (masks start at sigmoid(θ); 0 gives 0.5). A large value starts from plain gradient × input.</summary>
    public double InitialLogit { get; init; }

    /// <summary>Standard deviation of Gaussian noise added to the initial logits (0 = none); drawn from <see cref="Seed"/>.</summary>
    public double InitialNoise { get; init; }

    /// <summary>Seed of the random generator (only used when <see cref="InitialNoise"/> &gt; 0); runs are deterministic for a seed.</summary>
    public long Seed { get; init; }

    /// <summary>λ_e of the default objective: weight of the L1 energy Σ|A| of each mapping.</summary>
    public double EnergyWeight { get; init; } = 0.5;

    /// <summary>λ_m of the default objective: weight of the mean mask value (filter sparsity).</summary>
    public double MaskWeight { get; init; } = 0.05;

    /// <summary>Divide the default objective's data terms by |f_t(x)| so the λs are scale-free.</summary>
    public bool NormalizeByLogit { get; init; } = true;

    /// <summary>Layers whose output channels are masked; null = every convolution.</summary>
    public IReadOnlyList<string>? MaskedLayers { get; init; }

    /// <summary>Percentile of |map| at which the signed display map clips each mapping (the official visualization's 99.95).</summary>
    public double DisplayClipPercentile { get; init; } = 99.95;
}
