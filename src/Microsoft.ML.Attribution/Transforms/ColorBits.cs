namespace Microsoft.ML.Attribution.Transforms;

/// <summary>Which color channels <see cref="ImagePixelExtractingEstimator"/> extracts (ML.NET's values; they are saved in models, never change them).</summary>
[Flags]
public enum ColorBits : byte
{
    Alpha = 0x01,
    Red = 0x02,
    Green = 0x04,
    Blue = 0x08,
    Rgb = Red | Green | Blue,
    All = Alpha | Rgb,
}
