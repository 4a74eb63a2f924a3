using System.Runtime.InteropServices;
using Microsoft.ML.Attribution.Onnx.Proto;
using TorchSharp;
using Microsoft.ML.Attribution.Tensors;
using static TorchSharp.torch;

namespace Microsoft.ML.Attribution.Onnx;

/// <summary>Converts ONNX TensorProto data (raw little-endian bytes, typed fields, or an external file) into tensors.</summary>
internal static class OnnxTensor
{
    public static ScalarType ToScalarType(int dataType, string what) => (TensorProto.Types.DataType)dataType switch
    {
        TensorProto.Types.DataType.Float => ScalarType.Float32,
        TensorProto.Types.DataType.Double => ScalarType.Float64,
        TensorProto.Types.DataType.Int64 => ScalarType.Int64,
        TensorProto.Types.DataType.Int32 => ScalarType.Int32,
        TensorProto.Types.DataType.Bool => ScalarType.Bool,
        TensorProto.Types.DataType.Uint8 => ScalarType.Byte,
        TensorProto.Types.DataType.Int8 => ScalarType.Int8,
        TensorProto.Types.DataType.Int16 => ScalarType.Int16,
        TensorProto.Types.DataType.Float16 => ScalarType.Float16,
        var other => throw new OnnxImportException($"{what} has element type {other}, which is not supported (float, double, int8–64, uint8, bool, float16 are)."),
    };

    public static Tensor ToTensor(TensorProto proto, string? modelDirectory)
    {
        string what = $"Tensor '{proto.Name}'";
        ScalarType type = ToScalarType(proto.DataType, what);
        long[] shape = proto.Dims.ToArray();
        long count = shape.Aggregate(1L, (a, b) => a * b);
        if (shape.Any(d => d < 0)) throw new OnnxImportException($"{what} has a negative dimension [{string.Join(",", shape)}].");

        ReadOnlySpan<byte> raw = default;
        byte[]? external = null;
        if (proto.HasDataLocation && proto.DataLocation == TensorProto.Types.DataLocation.External)
        {
            external = ReadExternal(proto, modelDirectory, what);
            raw = external;
        }
        else if (proto.HasRawData) raw = proto.RawData.Span;

        if (external != null || proto.HasRawData)
        {
            int elementSize = ElementSize(type);
            if (raw.Length != count * elementSize)
                throw new OnnxImportException($"{what}: raw data holds {raw.Length} bytes, but shape [{string.Join(",", shape)}] of {type} needs {count * elementSize} (truncated or corrupt model).");
            return FromBytes(raw, type, shape);
        }

        Tensor Typed<T>(IList<T> values) where T : unmanaged
        {
            if (values.Count != count)
                throw new OnnxImportException($"{what}: {values.Count} values stored for shape [{string.Join(",", shape)}] ({count} elements).");
            return TensorData.FromArray(values.ToArray(), shape);
        }
        return type switch
        {
            ScalarType.Float32 => Typed(proto.FloatData),
            ScalarType.Float64 => Typed(proto.DoubleData),
            ScalarType.Int64 => Typed(proto.Int64Data),
            ScalarType.Int32 => Typed(proto.Int32Data),
            ScalarType.Bool or ScalarType.Byte or ScalarType.Int8 or ScalarType.Int16 or ScalarType.Float16 => Narrow(proto.Int32Data, type, shape, count, what),
            _ => throw new OnnxImportException($"{what}: unsupported element type {type}."),
        };
    }

    private static Tensor Narrow(IList<int> values, ScalarType type, long[] shape, long count, string what)
    {
        if (values.Count != count) throw new OnnxImportException($"{what}: {values.Count} values stored for {count} elements.");
        if (type == ScalarType.Float16)
        {
            var halves = values.Select(v => (float)BitConverter.UInt16BitsToHalf((ushort)v)).ToArray();
            using Tensor f = tensor(halves, shape);
            return f.to(ScalarType.Float16);
        }
        using Tensor wide = tensor(values.Select(v => (long)v).ToArray(), shape);
        return wide.to(type);
    }

    private static Tensor FromBytes(ReadOnlySpan<byte> raw, ScalarType type, long[] shape)
    {
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("ONNX raw data is little-endian; big-endian hosts are not supported.");
        switch (type)
        {
            case ScalarType.Float32: return TensorData.FromSpan(MemoryMarshal.Cast<byte, float>(raw), shape);
            case ScalarType.Float64: return TensorData.FromSpan(MemoryMarshal.Cast<byte, double>(raw), shape);
            case ScalarType.Int64: return TensorData.FromSpan(MemoryMarshal.Cast<byte, long>(raw), shape);
            case ScalarType.Int32: return TensorData.FromSpan(MemoryMarshal.Cast<byte, int>(raw), shape);
            case ScalarType.Int16: return TensorData.FromSpan(MemoryMarshal.Cast<byte, short>(raw), shape);
            case ScalarType.Byte: return TensorData.FromSpan(raw, shape);
            case ScalarType.Int8: return TensorData.FromSpan(MemoryMarshal.Cast<byte, sbyte>(raw), shape);
            case ScalarType.Bool:
                {
                    var bools = new bool[raw.Length];
                    for (int i = 0; i < raw.Length; i++) bools[i] = raw[i] != 0;
                    return tensor(bools, shape);
                }
            case ScalarType.Float16:
                {
                    ReadOnlySpan<Half> halves = MemoryMarshal.Cast<byte, Half>(raw);
                    var floats = new float[halves.Length];
                    for (int i = 0; i < floats.Length; i++) floats[i] = (float)halves[i];
                    using Tensor f = tensor(floats, shape);
                    return f.to(ScalarType.Float16);
                }
            default: throw new OnnxImportException($"Unsupported raw element type {type}.");
        }
    }

    private static byte[] ReadExternal(TensorProto proto, string? modelDirectory, string what)
    {
        var entries = proto.ExternalData.ToDictionary(e => e.Key, e => e.Value);
        if (!entries.TryGetValue("location", out string? location))
            throw new OnnxImportException($"{what} is stored externally but names no location.");
        if (modelDirectory is null)
            throw new OnnxImportException($"{what} is stored in the external file '{location}'; load the model from a file path so it can be found.");
        string path = Path.GetFullPath(Path.Combine(modelDirectory, location));
        if (!File.Exists(path)) throw new OnnxImportException($"{what}: external data file '{path}' does not exist.");
        long offset = entries.TryGetValue("offset", out string? o) ? long.Parse(o) : 0;
        using FileStream stream = File.OpenRead(path);
        long length = entries.TryGetValue("length", out string? l) ? long.Parse(l) : stream.Length - offset;
        if (offset + length > stream.Length) throw new OnnxImportException($"{what}: external file '{path}' is shorter than offset {offset} + length {length}.");
        var bytes = new byte[length];
        stream.Seek(offset, SeekOrigin.Begin);
        stream.ReadExactly(bytes);
        return bytes;
    }

    private static int ElementSize(ScalarType type) => type switch
    {
        ScalarType.Float64 or ScalarType.Int64 => 8,
        ScalarType.Float32 or ScalarType.Int32 => 4,
        ScalarType.Float16 or ScalarType.Int16 or ScalarType.BFloat16 => 2,
        _ => 1,
    };

    /// <summary>The int64 values of a small constant (shape vectors, axes, pads).</summary>
    public static long[] ToLongs(Tensor t)
    {
        using Tensor l = t.to(ScalarType.Int64);
        return l.ToArray<long>();
    }

    public static double ToDouble(Tensor t)
    {
        if (t.numel() != 1) throw new OnnxImportException($"Expected a scalar, got {t.Describe()}.");
        using Tensor d = t.to(ScalarType.Float64);
        return d.reshape(1).ToArray<double>()[0];
    }
}
