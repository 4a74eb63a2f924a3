using Microsoft.ML.Attribution.Maps;

namespace Microsoft.ML.Attribution.Methods;

/// <summary>Options of FullGrad.</summary>
public sealed record FullGradOptions : MethodOptions
{
    /// <summary>φ applied to each term ∇x⊙x and ∂f/∂z_l⊙b_l; Absolute is the published method (a positive aggregation).</summary>
    public GradientHandling Gradients { get; init; } = GradientHandling.Absolute;

    public FullGradAggregation Aggregation { get; init; } = FullGradAggregation.ChannelNormalized;

    /// <summary>Resizing of the bias terms to the input (pytorch-grad-cam: bilinear as cv2; the authors' code: align_corners=true).</summary>
    public MapInterpolation Upsampling { get; init; } = MapInterpolation.Bilinear;
}
