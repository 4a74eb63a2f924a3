namespace Microsoft.ML.Attribution.Transforms;

/// <summary>
/// How a Vector&lt;Single&gt; input column orders its pixels. ML.NET's vector type cannot tell: <c>ExtractPixels</c> writes
/// <see cref="Planar"/> by default and <see cref="Interleaved"/> with <c>interleavePixelColors: true</c>.
/// </summary>
public enum PixelLayout
{
    /// <summary>[C, H, W]: every value of the first channel, then the second's, … (ExtractPixels' default).</summary>
    Planar,

    /// <summary>[H, W, C]: the channels of each pixel together.</summary>
    Interleaved,
}
