using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using TorchSharp;
using Microsoft.ML.Attribution.Tensors;
using static TorchSharp.torch;

namespace Microsoft.ML.Attribution.Maps;

/// <summary>
/// Reads and writes NumPy .npy files (format 1.0–3.0, little-endian, C order) as tensors:
/// float32/64, int32/64, uint8 and bool.
/// </summary>
public static class Npy
{
    private static readonly byte[] Magic = { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y' };

    public static Tensor Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"No .npy file at '{path}'.", path);
        using FileStream stream = File.OpenRead(path);
        try
        {
            return Read(stream);
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException or FormatException or OverflowException)
        {
            string reason = e is EndOfStreamException ? "the file ends inside its header." : e.Message;
            throw new InvalidDataException($"'{path}' is not a readable .npy file: {reason}", e);
        }
    }

    public static Tensor Read(Stream stream)
    {
        Span<byte> prefix = stackalloc byte[8];
        stream.ReadExactly(prefix);
        if (!prefix[..6].SequenceEqual(Magic)) throw new InvalidDataException("missing the \\x93NUMPY magic string.");
        int major = prefix[6];
        int headerLength;
        if (major == 1)
        {
            Span<byte> len = stackalloc byte[2];
            stream.ReadExactly(len);
            headerLength = BinaryPrimitives.ReadUInt16LittleEndian(len);
        }
        else if (major is 2 or 3)
        {
            Span<byte> len = stackalloc byte[4];
            stream.ReadExactly(len);
            headerLength = checked((int)BinaryPrimitives.ReadUInt32LittleEndian(len));
        }
        else throw new InvalidDataException($"unsupported format version {major}.{prefix[7]}.");

        var headerBytes = new byte[headerLength];
        stream.ReadExactly(headerBytes);
        string header = Encoding.UTF8.GetString(headerBytes);
        string descr = Field(header, "descr", "'([^']*)'");
        if (Field(header, "fortran_order", "(True|False)") == "True")
            throw new InvalidDataException("Fortran-ordered arrays are not supported; save with np.ascontiguousarray.");
        if (!header.TrimStart().StartsWith('{'))
            throw new InvalidDataException("the header is not a Python dict literal.");
        long[] shape = Field(header, "shape", @"\(([^)]*)\)")
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(s => long.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out long d) && d >= 0 ? d
                : throw new InvalidDataException($"shape entry '{s}' is not a non-negative integer."))
            .ToArray();
        long count = 1;
        foreach (long extent in shape)
            count = extent == 0 || count <= long.MaxValue / Math.Max(extent, 1) ? count * extent
                : throw new InvalidDataException($"shape ({string.Join(", ", shape)}) holds more elements than can be addressed.");

        return descr switch
        {
            "<f4" => ReadData<float>(stream, shape, count),
            "<f8" => ReadData<double>(stream, shape, count),
            "<i8" => ReadData<long>(stream, shape, count),
            "<i4" => ReadData<int>(stream, shape, count),
            "|u1" => ReadData<byte>(stream, shape, count),
            "|b1" => ReadData<bool>(stream, shape, count),
            _ => throw new InvalidDataException($"unsupported dtype '{descr}' (supported: <f4 <f8 <i8 <i4 |u1 |b1)."),
        };
    }

    public static void Save(string path, Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(path);
        string? folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (folder != null) Directory.CreateDirectory(folder);
        using FileStream stream = File.Create(path);
        Write(stream, tensor);
    }

    public static void Write(Stream stream, Tensor tensor)
    {
        string descr = tensor.dtype switch
        {
            ScalarType.Float32 => "<f4",
            ScalarType.Float64 => "<f8",
            ScalarType.Int64 => "<i8",
            ScalarType.Int32 => "<i4",
            ScalarType.Byte => "|u1",
            ScalarType.Bool => "|b1",
            var t => throw new NotSupportedException($"Cannot write a {t} tensor to .npy."),
        };
        long[] shape = tensor.shape;
        string dims = shape.Length == 1 ? $"{shape[0]}," : string.Join(", ", shape);
        string dict = $"{{'descr': '{descr}', 'fortran_order': False, 'shape': ({dims}), }}";
        int unpadded = Magic.Length + 2 + 2 + dict.Length + 1;
        string header = dict + new string(' ', (64 - unpadded % 64) % 64) + "\n";
        stream.Write(Magic);
        stream.Write(new byte[] { 1, 0 });
        Span<byte> len = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(len, checked((ushort)header.Length));
        stream.Write(len);
        stream.Write(Encoding.ASCII.GetBytes(header));
        switch (tensor.dtype)
        {
            case ScalarType.Float32: WriteData<float>(stream, tensor); break;
            case ScalarType.Float64: WriteData<double>(stream, tensor); break;
            case ScalarType.Int64: WriteData<long>(stream, tensor); break;
            case ScalarType.Int32: WriteData<int>(stream, tensor); break;
            case ScalarType.Byte: WriteData<byte>(stream, tensor); break;
            case ScalarType.Bool: WriteData<bool>(stream, tensor); break;
        }
    }

    private static string Field(string header, string key, string valuePattern)
    {
        Match m = Regex.Match(header, $"'{key}'\\s*:\\s*{valuePattern}");
        if (!m.Success) throw new InvalidDataException($"header has no '{key}' entry: {header.Trim()}");
        return m.Groups[1].Value;
    }

    private static Tensor ReadData<T>(Stream stream, long[] shape, long count) where T : unmanaged
    {
        // Checked before allocating: a corrupt shape must not ask for gigabytes the file cannot hold.
        long available = stream.CanSeek ? stream.Length - stream.Position : long.MaxValue;
        if (count > available / System.Runtime.CompilerServices.Unsafe.SizeOf<T>())
            throw new InvalidDataException($"truncated: shape ({string.Join(", ", shape)}) needs {count:N0} elements but the file holds only {available:N0} data bytes.");
        var data = new T[count];
        Span<byte> bytes = System.Runtime.InteropServices.MemoryMarshal.AsBytes(data.AsSpan());
        int read = stream.ReadAtLeast(bytes, bytes.Length, throwOnEndOfStream: false);
        if (read < bytes.Length) throw new InvalidDataException($"truncated: {read} of {bytes.Length} data bytes present.");
        return TensorData.FromArray(data, shape);
    }

    private static void WriteData<T>(Stream stream, Tensor t) where T : unmanaged
    {
        T[] data = t.ToArray<T>();
        stream.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(data.AsSpan()));
    }
}
