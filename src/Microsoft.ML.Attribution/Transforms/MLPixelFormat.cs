namespace Microsoft.ML.Attribution.Transforms;

/// <summary>How <see cref="MLImage.Pixels"/> are laid out (ML.NET's enum, same names and values).</summary>
public enum MLPixelFormat
{
    Unknown = 0,

    /// <summary>4 bytes per pixel: blue, green, red, alpha.</summary>
    Bgra32 = 1,

    /// <summary>4 bytes per pixel: red, green, blue, alpha.</summary>
    Rgba32 = 2,
}
