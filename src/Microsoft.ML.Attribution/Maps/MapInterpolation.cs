namespace Microsoft.ML.Attribution.Maps;

/// <summary>How a low-resolution map is resampled to another size.</summary>
public enum MapInterpolation
{
    /// <summary>Bilinear with half-pixel centres (align_corners=false): PyTorch's default, Captum's, and OpenCV's INTER_LINEAR.</summary>
    Bilinear,

    /// <summary>Bilinear with corner pixels aligned (align_corners=true): nn.UpsamplingBilinear2d, used by Score-CAM and the FullGrad authors.</summary>
    BilinearAlignCorners,

    /// <summary>Nearest neighbour (source index = floor(target index · in/out)), as Captum's Guided Grad-CAM.</summary>
    Nearest,
}
