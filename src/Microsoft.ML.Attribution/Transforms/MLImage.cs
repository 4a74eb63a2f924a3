using Microsoft.ML.Attribution.Imaging;
using Microsoft.ML.Attribution.Torch;
using static Microsoft.ML.Attribution.Torch.torch;

namespace Microsoft.ML.Attribution.Transforms;

/// <summary>
/// An image value of an image column (ML.NET's <c>MLImage</c>, same members). Pixels are held in managed memory as
/// <see cref="MLPixelFormat.Rgba32"/>, row-major, so image columns never hold native tensors that would need disposing per row.
/// Decoding is OpenCV's (<see cref="ImageIO"/>): gray and palette images become RGB, alpha is dropped (stored as 255), EXIF orientation is applied.
/// </summary>
public sealed class MLImage : IDisposable
{
    private byte[]? _pixels;

    private MLImage(byte[] rgba, int width, int height)
    {
        _pixels = rgba;
        Width = width;
        Height = height;
    }

    public int Width { get; }

    public int Height { get; }

    public int BitsPerPixel => 32;

    public MLPixelFormat PixelFormat => MLPixelFormat.Rgba32;

    /// <summary>Width × Height × 4 bytes (R, G, B, A).</summary>
    public ReadOnlySpan<byte> Pixels => _pixels ?? throw new ObjectDisposedException(nameof(MLImage));

    /// <summary>Free-form label; <see cref="CreateFromFile"/> sets it to the file's path.</summary>
    public string? Tag { get; set; }

    /// <exception cref="FileNotFoundException">No file at the path.</exception>
    /// <exception cref="InvalidDataException">The file is not an image OpenCV reads, or is corrupt.</exception>
    public static MLImage CreateFromFile(string imagePath)
    {
        using Tensor rgb = ImageIO.Load(imagePath);
        MLImage image = FromRgbTensor(rgb);
        image.Tag = imagePath;
        return image;
    }

    /// <exception cref="InvalidDataException">The bytes are not an image OpenCV reads, or are corrupt.</exception>
    public static MLImage CreateFromStream(Stream imageStream)
    {
        ArgumentNullException.ThrowIfNull(imageStream);
        using var buffer = new MemoryStream();
        imageStream.CopyTo(buffer);
        using Tensor rgb = ImageIO.Decode(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
        return FromRgbTensor(rgb);
    }

    /// <summary>An image from raw 32-bit pixels in <paramref name="pixelFormat"/> (converted to RGBA).</summary>
    public static MLImage CreateFromPixels(int width, int height, MLPixelFormat pixelFormat, ReadOnlySpan<byte> imagePixelData)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        if (pixelFormat is not (MLPixelFormat.Rgba32 or MLPixelFormat.Bgra32))
            throw new ArgumentException($"Unsupported pixel format {pixelFormat}: use Rgba32 or Bgra32.", nameof(pixelFormat));
        long expected = (long)width * height * 4;
        if (imagePixelData.Length != expected)
            throw new ArgumentException($"A {width}×{height} {pixelFormat} image needs {expected} bytes, got {imagePixelData.Length}.", nameof(imagePixelData));
        byte[] rgba = imagePixelData.ToArray();
        if (pixelFormat == MLPixelFormat.Bgra32)
        {
            for (int i = 0; i < rgba.Length; i += 4)
                (rgba[i], rgba[i + 2]) = (rgba[i + 2], rgba[i]);
        }
        return new MLImage(rgba, width, height);
    }

    /// <summary>Writes the image (without alpha); the extension picks the format (.png, .jpg, .bmp …).</summary>
    public void Save(string imagePath)
    {
        using Tensor rgb = ToRgbTensor();
        ImageIO.Save(imagePath, rgb);
    }

    public void Dispose() => _pixels = null;

    /// <summary>uint8 [H,W,3] RGB.</summary>
    internal Tensor ToRgbTensor() => tensor(ToRgbArray(), [Height, Width, 3]);

    /// <summary>The pixels without alpha: Width × Height × 3 bytes (R, G, B), row-major.</summary>
    public byte[] ToRgbArray()
    {
        ReadOnlySpan<byte> rgba = Pixels;
        var rgb = new byte[Width * Height * 3];
        for (int p = 0, q = 0; p < rgba.Length; p += 4, q += 3)
        {
            rgb[q] = rgba[p];
            rgb[q + 1] = rgba[p + 1];
            rgb[q + 2] = rgba[p + 2];
        }
        return rgb;
    }

    /// <summary>uint8 [H,W,4] RGBA, for resizing all four channels at once.</summary>
    internal Tensor ToRgbaTensor() => tensor(Pixels.ToArray(), [Height, Width, 4]);

    internal static MLImage FromRgbTensor(Tensor rgb)
    {
        int height = (int)rgb.shape[0], width = (int)rgb.shape[1];
        var source = new byte[height * width * 3];
        rgb.CopyTo<byte>(source);
        var rgba = new byte[height * width * 4];
        for (int p = 0, q = 0; q < source.Length; p += 4, q += 3)
        {
            rgba[p] = source[q];
            rgba[p + 1] = source[q + 1];
            rgba[p + 2] = source[q + 2];
            rgba[p + 3] = 255;
        }
        return new MLImage(rgba, width, height);
    }

    internal static MLImage FromRgbaTensor(Tensor rgba)
    {
        int height = (int)rgba.shape[0], width = (int)rgba.shape[1];
        var pixels = new byte[height * width * 4];
        rgba.CopyTo<byte>(pixels);
        return new MLImage(pixels, width, height);
    }

    internal static MLImage FromRgba(byte[] rgba, int width, int height) => new(rgba, width, height);
}
