using System.Runtime.InteropServices;

namespace Microsoft.ML.Attribution.Torch.Native;

internal static unsafe partial class NativeMethods
{
    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)] internal static partial TensorHandle MLAImage_decode_file(string path);
    [LibraryImport(Library)] internal static partial TensorHandle MLAImage_decode(byte* data, long length);
    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)] internal static partial int MLAImage_can_write(string extension);
    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)] internal static partial int MLAImage_encode_file(TensorHandle image, string path, int jpegQuality);

    /// <summary>Encodes once and holds the bytes natively: copy them with <see cref="MLAImage_encoded_copy"/>, then dispose.</summary>
    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)] internal static partial IntPtr MLAImage_encode(TensorHandle image, string extension, int jpegQuality, long* size);
    [LibraryImport(Library)] internal static partial int MLAImage_encoded_copy(IntPtr encoded, byte* destination, long capacity);
    [LibraryImport(Library)] internal static partial void MLAImage_encoded_dispose(IntPtr encoded);

    [LibraryImport(Library)] internal static partial TensorHandle MLAImage_resize(TensorHandle image, long height, long width, int interpolation);
    [LibraryImport(Library)] internal static partial TensorHandle MLAImage_colormap(TensorHandle map, int colormap);
}
