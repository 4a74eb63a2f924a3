using SkiaSharp;
using TorchSharp;
using Microsoft.ML.Attribution.Tensors;
using static TorchSharp.torch;

namespace Microsoft.ML.Attribution.Imaging;

/// <summary>
/// Reads and writes image files (decodes PNG, JPEG, BMP, GIF, WebP, ICO, WBMP; encodes PNG, JPEG and WebP) as uint8 tensors [H,W,3] in
/// RGB order, through SkiaSharp (the library ML.NET's images use). Decoding always yields three channels: gray and palette images are
/// expanded, alpha is dropped (not composited, not premultiplied), 16-bit samples keep their high byte (as ML.NET's LoadImages reads
/// them), and EXIF orientation is applied.
/// </summary>
public static class ImageIO
{
    public const int DefaultJpegQuality = 95;

    /// <summary>Decodes the image file at <paramref name="path"/> into a uint8 [H,W,3] RGB tensor.</summary>
    /// <exception cref="FileNotFoundException">No file at the path.</exception>
    /// <exception cref="InvalidDataException">The file is not an image SkiaSharp reads, or its data is corrupt or truncated.</exception>
    public static Tensor Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"No image file at '{path}'.", path);
        try
        {
            return Decode(File.ReadAllBytes(path));
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"Cannot load the image '{path}': {e.Message}", e);
        }
    }

    /// <summary>Decodes an encoded image (the bytes of a PNG, JPEG … file) into a uint8 [H,W,3] RGB tensor.</summary>
    /// <exception cref="InvalidDataException">The bytes are empty, of an unknown format, corrupt or truncated.</exception>
    public static Tensor Decode(ReadOnlySpan<byte> encoded)
    {
        if (encoded.IsEmpty) throw new InvalidDataException("Cannot decode an image from an empty buffer.");
        using var stream = new MemoryStream(encoded.ToArray(), writable: false);
        using SKCodec? codec = SKCodec.Create(stream, out SKCodecResult opened);
        if (codec is null)
            throw new InvalidDataException(LooksLikeKnownFormat(encoded)
                ? $"The {encoded.Length}-byte buffer is not a decodable image: its data is corrupt or truncated ({opened})."
                : $"The {encoded.Length}-byte buffer is not a decodable image: not in an image format SkiaSharp reads.");
        SKImageInfo info = new(codec.Info.Width, codec.Info.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        var rgba = new byte[info.BytesSize];
        SKCodecResult decoded;
        unsafe
        {
            fixed (byte* pixels = rgba)
                decoded = codec.GetPixels(info, (IntPtr)pixels);
        }
        if (decoded != SKCodecResult.Success)
            throw new InvalidDataException($"The {encoded.Length}-byte buffer is not a decodable image: its data is corrupt or truncated ({decoded}).");
        (byte[] rgb, int height, int width) = Orient(DropAlpha(rgba), info.Height, info.Width, codec.EncodedOrigin);
        return tensor(rgb, [height, width, 3]);
    }

    /// <summary>
    /// Writes a uint8 image [H,W,3] (RGB) or [H,W] (gray) to <paramref name="path"/>; the extension picks the format
    /// (.png, .jpg/.jpeg, .webp). <paramref name="jpegQuality"/> (0–100) applies to JPEG (and lossy WebP) only.
    /// </summary>
    public static void Save(string path, Tensor image, int jpegQuality = DefaultJpegQuality)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ImageArguments.RequireEncodable(image, nameof(image), "ImageIO.Save");
        RequireQuality(jpegQuality);
        SKEncodedImageFormat format = Writer(Path.GetExtension(path), nameof(path), $"'{path}'");
        string fullPath = Path.GetFullPath(path);
        string? directory = Path.GetDirectoryName(fullPath);
        if (directory is not null && !Directory.Exists(directory))
            throw new DirectoryNotFoundException($"Cannot save the image '{path}': the directory '{directory}' does not exist.");
        byte[] encoded = EncodeAs(image, format, jpegQuality);
        File.WriteAllBytes(fullPath, encoded);
    }

    /// <summary>
    /// Encodes a uint8 image [H,W,3] (RGB) or [H,W] (gray) in memory. <paramref name="format"/> is an extension with or
    /// without the dot ("png", ".jpg", "jpeg", "webp").
    /// </summary>
    public static byte[] Encode(Tensor image, string format, int jpegQuality = DefaultJpegQuality)
    {
        ArgumentException.ThrowIfNullOrEmpty(format);
        ImageArguments.RequireEncodable(image, nameof(image), "ImageIO.Encode");
        RequireQuality(jpegQuality);
        string extension = format.StartsWith('.') ? format : "." + format;
        return EncodeAs(image, Writer(extension, nameof(format), $"the format '{format}'"), jpegQuality);
    }

    private static byte[] EncodeAs(Tensor image, SKEncodedImageFormat format, int quality)
    {
        bool gray = image.Dimensions == 2;
        int height = (int)image.shape[0], width = (int)image.shape[1];
        byte[] values;
        using (DisposeScope scope = NewDisposeScope())
            values = image.contiguous().ToArray<byte>();
        // JPEG and WebP have no gray-with-Skia path worth the difference: gray goes out as RGB there.
        bool grayOut = gray && format == SKEncodedImageFormat.Png;
        SKImageInfo info = grayOut
            ? new SKImageInfo(width, height, SKColorType.Gray8, SKAlphaType.Opaque)
            : new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque);
        using var bitmap = new SKBitmap(info);
        Span<byte> pixels = bitmap.GetPixelSpan();
        if (grayOut)
        {
            for (int y = 0; y < height; y++)
                values.AsSpan(y * width, width).CopyTo(pixels.Slice(y * bitmap.RowBytes, width));
        }
        else
        {
            for (int y = 0; y < height; y++)
            {
                Span<byte> row = pixels.Slice(y * bitmap.RowBytes, width * 4);
                for (int x = 0; x < width; x++)
                {
                    int p = y * width + x;
                    (byte r, byte g, byte b) = gray ? (values[p], values[p], values[p]) : (values[3 * p], values[3 * p + 1], values[3 * p + 2]);
                    row[4 * x] = r;
                    row[4 * x + 1] = g;
                    row[4 * x + 2] = b;
                    row[4 * x + 3] = 255;
                }
            }
        }
        using SKData? encoded = bitmap.Encode(format, quality);
        return encoded?.ToArray() ?? throw new InvalidOperationException($"SkiaSharp could not encode {image.Describe()} as {format}.");
    }

    /// <summary>Whether the bytes start like a PNG, JPEG, GIF, BMP or WebP file (so a failure is corruption, not a foreign format).</summary>
    private static bool LooksLikeKnownFormat(ReadOnlySpan<byte> bytes) =>
        bytes.StartsWith((ReadOnlySpan<byte>)[0x89, (byte)'P', (byte)'N', (byte)'G']) || bytes.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8])
        || bytes.StartsWith("GIF8"u8) || bytes.StartsWith("BM"u8) || (bytes.Length >= 12 && bytes[8..12].SequenceEqual("WEBP"u8));

    private static byte[] DropAlpha(byte[] rgba)
    {
        var rgb = new byte[rgba.Length / 4 * 3];
        for (int p = 0, q = 0; q < rgb.Length; p += 4, q += 3)
        {
            rgb[q] = rgba[p];
            rgb[q + 1] = rgba[p + 1];
            rgb[q + 2] = rgba[p + 2];
        }
        return rgb;
    }

    /// <summary>The pixels as they should be seen: the EXIF orientation undone (rotations and mirrors of the stored rows).</summary>
    private static (byte[] Rgb, int Height, int Width) Orient(byte[] rgb, int height, int width, SKEncodedOrigin origin)
    {
        if (origin is SKEncodedOrigin.TopLeft or 0)
            return (rgb, height, width);
        bool swap = origin is SKEncodedOrigin.LeftTop or SKEncodedOrigin.RightTop or SKEncodedOrigin.RightBottom or SKEncodedOrigin.LeftBottom;
        int outHeight = swap ? width : height, outWidth = swap ? height : width;
        var result = new byte[rgb.Length];
        for (int y = 0; y < outHeight; y++)
        {
            for (int x = 0; x < outWidth; x++)
            {
                // Where the displayed pixel (x, y) is stored.
                (int sx, int sy) = origin switch
                {
                    SKEncodedOrigin.TopRight => (width - 1 - x, y),
                    SKEncodedOrigin.BottomRight => (width - 1 - x, height - 1 - y),
                    SKEncodedOrigin.BottomLeft => (x, height - 1 - y),
                    SKEncodedOrigin.LeftTop => (y, x),
                    SKEncodedOrigin.RightTop => (y, height - 1 - x),
                    SKEncodedOrigin.RightBottom => (width - 1 - y, height - 1 - x),
                    SKEncodedOrigin.LeftBottom => (width - 1 - y, x),
                    _ => (x, y),
                };
                Array.Copy(rgb, 3 * (sy * width + sx), result, 3 * (y * outWidth + x), 3);
            }
        }
        return (result, outHeight, outWidth);
    }

    private static void RequireQuality(int jpegQuality)
    {
        if (jpegQuality is < 0 or > 100)
            throw new ArgumentOutOfRangeException(nameof(jpegQuality), jpegQuality, "The JPEG quality must be in [0, 100].");
    }

    private static SKEncodedImageFormat Writer(string extension, string parameter, string what) => extension.ToLowerInvariant() switch
    {
        ".png" => SKEncodedImageFormat.Png,
        ".jpg" or ".jpeg" => SKEncodedImageFormat.Jpeg,
        ".webp" => SKEncodedImageFormat.Webp,
        _ => throw new ArgumentException($"No image encoder for {what}: use .png, .jpg or .webp.", parameter),
    };
}
