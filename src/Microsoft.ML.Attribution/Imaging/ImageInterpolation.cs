namespace Microsoft.ML.Attribution.Imaging;

/// <summary>How <see cref="ImageResize"/> samples pixels (numbers shared with the native shim).</summary>
public enum ImageInterpolation
{
    /// <summary>Bilinear with pixel centers aligned (OpenCV INTER_LINEAR, like align_corners = false); no antialiasing.</summary>
    Bilinear = 0,

    /// <summary>Nearest pixel with centers aligned (OpenCV INTER_NEAREST_EXACT, as PIL and torchvision's "nearest-exact").</summary>
    Nearest = 1,

    /// <summary>Box average over the covered source pixels (OpenCV INTER_AREA): the choice for shrinking.</summary>
    Area = 2,
}
