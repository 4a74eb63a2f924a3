namespace Microsoft.ML.Attribution.Methods;

/// <summary>Options of Grad-CAM++.</summary>
public sealed record GradCamPlusPlusOptions : CamOptions
{
    /// <summary>φ replacing max(g, 0) in w_k = Σ α·φ(g); Positive is the published method, Signed the "all-gradient" variant.</summary>
    public GradientHandling Gradients { get; init; } = GradientHandling.Positive;

    /// <summary>Added to the denominator of α (pytorch-grad-cam uses 1e-6).</summary>
    public double Stabilizer { get; init; } = 1e-6;
}
