namespace Microsoft.ML.Attribution.Methods;

/// <summary>Options of Grad-CAM.</summary>
public sealed record GradCamOptions : CamOptions
{
    /// <summary>φ applied to ∂f_t/∂A before the spatial mean; Signed is the published method, Positive the "positive-aggregated" variant.</summary>
    public GradientHandling Gradients { get; init; } = GradientHandling.Signed;
}
