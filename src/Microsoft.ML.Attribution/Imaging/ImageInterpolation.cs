namespace Microsoft.ML.Attribution.Imaging;

/// <summary>How <see cref="ImageResize"/> samples pixels.</summary>
public enum ImageInterpolation
{
    /// <summary>Bilinear with pixel centers aligned (align_corners = false), edges replicated; no antialiasing.</summary>
    Bilinear = 0,

    /// <summary>Nearest pixel with centers aligned (as PIL and torchvision's "nearest-exact").</summary>
    Nearest = 1,

    /// <summary>Average over the source pixels each output covers (adaptive average pooling): the choice for shrinking.</summary>
    Area = 2,
}
