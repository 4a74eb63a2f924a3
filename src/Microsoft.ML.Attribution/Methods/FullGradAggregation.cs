namespace Microsoft.ML.Attribution.Methods;

/// <summary>How FullGrad turns its input-gradient and bias-gradient terms into one map.</summary>
public enum FullGradAggregation
{
    /// <summary>
    /// pytorch-grad-cam's (and the paper's saliency): φ per element, each channel of each term scaled on its own
    /// (min-max; max |·| when φ keeps signs), resized, summed, and the sum scaled per image. Spatial terms only.
    /// </summary>
    ChannelNormalized,

    /// <summary>
    /// The full-gradient decomposition itself: φ per element, each term summed over channels and resized with its mass
    /// kept (×h·w/H·W; non-spatial terms spread evenly). With Signed gradients the map sums to f_t(x) whenever the
    /// resizing keeps mass, which bilinear (align_corners=false) and nearest do for integer scale factors.
    /// </summary>
    RawSum,
}
