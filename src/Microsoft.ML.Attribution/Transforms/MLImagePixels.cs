using Microsoft.ML.Data;
using SkiaSharp;

namespace Microsoft.ML.Attribution.Transforms;

/// <summary>
/// Reads an ML.NET <see cref="MLImage"/> (4 bytes a pixel, BGRA or RGBA) as RGB bytes, resized with SkiaSharp's bilinear filter when asked.
/// Copies at once: ML.NET disposes the image behind a getter when the next row is read.
/// </summary>
internal static class MLImagePixels
{
    /// <summary>Interleaved RGB bytes [H, W, 3] of <paramref name="image"/> at <paramref name="height"/>×<paramref name="width"/>.</summary>
    public static byte[] ToRgb(MLImage image, int height, int width)
    {
        ArgumentNullException.ThrowIfNull(image);
        bool bgra = image.PixelFormat == MLPixelFormat.Bgra32;
        if (!bgra && image.PixelFormat != MLPixelFormat.Rgba32)
            throw new NotSupportedException($"Images in pixel format {image.PixelFormat} are not supported; expected Bgra32 or Rgba32.");
        ReadOnlySpan<byte> source = image.Pixels;
        byte[]? resized = null;
        if (image.Height != height || image.Width != width)
        {
            resized = Resize(source, image.Width, image.Height, bgra, width, height);
            source = resized;
        }
        var rgb = new byte[height * width * 3];
        (int r, int b) = bgra ? (2, 0) : (0, 2);
        for (int p = 0, q = 0; q < rgb.Length; p += 4, q += 3)
        {
            rgb[q] = source[p + r];
            rgb[q + 1] = source[p + 1];
            rgb[q + 2] = source[p + b];
        }
        return rgb;
    }

    private static byte[] Resize(ReadOnlySpan<byte> pixels, int width, int height, bool bgra, int newWidth, int newHeight)
    {
        SKColorType colorType = bgra ? SKColorType.Bgra8888 : SKColorType.Rgba8888;
        using var source = new SKBitmap(new SKImageInfo(width, height, colorType, SKAlphaType.Unpremul));
        pixels.CopyTo(source.GetPixelSpan());
        using SKBitmap target = source.Resize(new SKImageInfo(newWidth, newHeight, colorType, SKAlphaType.Unpremul), new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.None))
            ?? throw new InvalidOperationException($"SkiaSharp could not resize a {width}×{height} image to {newWidth}×{newHeight}.");
        return target.GetPixelSpan().ToArray();
    }
}
