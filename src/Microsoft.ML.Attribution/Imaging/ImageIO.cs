using Microsoft.ML.Attribution.Torch;
using Microsoft.ML.Attribution.Torch.Native;
using static Microsoft.ML.Attribution.Torch.torch;

namespace Microsoft.ML.Attribution.Imaging;

/// <summary>
/// Reads and writes image files (PNG, JPEG, BMP, TIFF, WebP … — whatever Debian's OpenCV decodes) as uint8 tensors
/// [H,W,3] in RGB order. Decoding always yields three channels: gray and palette images are expanded, alpha is
/// dropped (not composited), 16-bit samples are scaled to 8 bits with rounding, and EXIF orientation is applied.
/// </summary>
public static class ImageIO
{
    public const int DefaultJpegQuality = 95;

    /// <summary>Decodes the image file at <paramref name="path"/> into a uint8 [H,W,3] RGB tensor.</summary>
    /// <exception cref="FileNotFoundException">No file at the path.</exception>
    /// <exception cref="InvalidDataException">The file is not an image OpenCV reads, or its data is corrupt.</exception>
    public static Tensor Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"No image file at '{path}'.", path);
        TensorHandle handle = NativeMethods.MLAImage_decode_file(Path.GetFullPath(path));
        if (handle.IsInvalid) throw new InvalidDataException($"Cannot load the image: {NativeResult.LastError()}");  // names the path
        return new Tensor(handle);
    }

    /// <summary>Decodes an encoded image (the bytes of a PNG, JPEG … file) into a uint8 [H,W,3] RGB tensor.</summary>
    /// <exception cref="InvalidDataException">The bytes are empty, of an unknown format, or corrupt.</exception>
    public static unsafe Tensor Decode(ReadOnlySpan<byte> encoded)
    {
        if (encoded.IsEmpty) throw new InvalidDataException("Cannot decode an image from an empty buffer.");
        TensorHandle handle;
        fixed (byte* data = encoded)
            handle = NativeMethods.MLAImage_decode(data, encoded.Length);
        if (handle.IsInvalid) throw new InvalidDataException($"Cannot decode the image: {NativeResult.LastError()}");
        return new Tensor(handle);
    }

    /// <summary>
    /// Writes a uint8 image [H,W,3] (RGB) or [H,W] (gray) to <paramref name="path"/>; the extension picks the format
    /// (.png, .jpg/.jpeg, .bmp, …). <paramref name="jpegQuality"/> (0–100) applies to JPEG only.
    /// </summary>
    public static void Save(string path, Tensor image, int jpegQuality = DefaultJpegQuality)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ImageArguments.RequireEncodable(image, nameof(image), "ImageIO.Save");
        RequireQuality(jpegQuality);
        RequireWriter(Path.GetExtension(path), nameof(path), $"'{path}'");
        string fullPath = Path.GetFullPath(path);
        string? directory = Path.GetDirectoryName(fullPath);
        if (directory is not null && !Directory.Exists(directory))
            throw new DirectoryNotFoundException($"Cannot save the image '{path}': the directory '{directory}' does not exist.");
        if (NativeMethods.MLAImage_encode_file(image.Handle, fullPath, jpegQuality) < 0)
            throw new IOException($"Cannot save the image: {NativeResult.LastError()}");  // names the path
    }

    /// <summary>
    /// Encodes a uint8 image [H,W,3] (RGB) or [H,W] (gray) in memory. <paramref name="format"/> is an extension with or
    /// without the dot ("png", ".jpg", "jpeg", "bmp" …).
    /// </summary>
    public static unsafe byte[] Encode(Tensor image, string format, int jpegQuality = DefaultJpegQuality)
    {
        ArgumentException.ThrowIfNullOrEmpty(format);
        ImageArguments.RequireEncodable(image, nameof(image), "ImageIO.Encode");
        RequireQuality(jpegQuality);
        string extension = format.StartsWith('.') ? format : "." + format;
        RequireWriter(extension, nameof(format), $"the format '{format}'");

        long size;
        IntPtr encoded = NativeMethods.MLAImage_encode(image.Handle, extension, jpegQuality, &size);
        if (encoded == IntPtr.Zero) throw new TorchException("encode", $"Encoding {image.Describe()} as '{format}' failed: {NativeResult.LastError()}");
        try
        {
            var bytes = new byte[size];
            fixed (byte* destination = bytes)
                if (NativeMethods.MLAImage_encoded_copy(encoded, destination, bytes.Length) < 0)
                    throw new TorchException("encode", $"Copying the encoded image failed: {NativeResult.LastError()}");
            return bytes;
        }
        finally
        {
            NativeMethods.MLAImage_encoded_dispose(encoded);
        }
    }

    private static void RequireQuality(int jpegQuality)
    {
        if (jpegQuality is < 0 or > 100)
            throw new ArgumentOutOfRangeException(nameof(jpegQuality), jpegQuality, "The JPEG quality must be in [0, 100].");
    }

    private static void RequireWriter(string extension, string parameter, string what)
    {
        if (extension.Length < 2 || NativeMethods.MLAImage_can_write(extension) == 0)
            throw new ArgumentException($"No image encoder for {what}: use an extension such as .png, .jpg or .bmp.", parameter);
    }
}
