using System.Runtime.InteropServices;
using TorchSharp;
using Microsoft.ML.Attribution.Tensors;
using static TorchSharp.torch;

namespace Microsoft.ML.Attribution.Tensors;

/// <summary>
/// Moving elements between managed memory and tensors: block copies with the checks TorchSharp leaves out
/// (exact element counts, the element type named in the error), and converting reads of one-element tensors.
/// </summary>
public static class TensorData
{
    /// <summary>The elements (row-major, from any device) as a new array. <typeparamref name="T"/> must match the dtype.</summary>
    public static T[] ToArray<T>(this Tensor tensor) where T : unmanaged
    {
        var result = new T[tensor.numel()];
        tensor.CopyTo<T>(result);
        return result;
    }

    /// <summary>Copies the elements (row-major, from any device) into <paramref name="destination"/>, which must hold exactly numel elements.</summary>
    public static void CopyTo<T>(this Tensor tensor, Span<T> destination) where T : unmanaged
    {
        ScalarType expected = ScalarTypeOf<T>();
        if (tensor.dtype != expected)
            throw new InvalidOperationException($"Cannot read a {TensorText.DTypeName(tensor.dtype)} tensor as {typeof(T).Name}: convert it with .to({TensorText.DTypeName(expected)}) first.");
        long count = tensor.numel();
        if (destination.Length != count)
            throw new ArgumentException($"Destination holds {destination.Length} elements but the tensor {tensor.Describe()} has {count}.", nameof(destination));
        if (count == 0) return;
        bool direct = tensor.device_type == DeviceType.CPU && tensor.is_contiguous();
        using Tensor source = direct ? tensor.alias() : tensor.contiguous().cpu();
        MemoryMarshal.Cast<byte, T>(source.bytes).CopyTo(destination);
    }

    /// <summary>The value of a one-element tensor converted to <typeparamref name="T"/> (as libtorch's item() then a C cast).</summary>
    public static T ItemAs<T>(this Tensor tensor) where T : unmanaged
    {
        long count = tensor.numel();
        if (count != 1) throw new ArgumentException($"item needs a one-element tensor, not {tensor.Describe()}.", nameof(tensor));
        ScalarType wanted = ScalarTypeOf<T>();
        if (tensor.dtype == wanted) return tensor.item<T>();
        using Tensor converted = tensor.to(wanted);
        return converted.item<T>();
    }

    /// <summary>A new CPU tensor of <paramref name="shape"/> holding a copy of <paramref name="data"/>, which must have exactly prod(shape) elements.</summary>
    public static Tensor FromSpan<T>(ReadOnlySpan<T> data, ReadOnlySpan<long> shape, bool requiresGrad = false) where T : unmanaged
    {
        long count = 1;
        foreach (long extent in shape)
        {
            if (extent < 0) throw new ArgumentException($"Shape [{string.Join(",", shape.ToArray())}] has a negative extent.", nameof(shape));
            count = checked(count * extent);
        }
        if (count != data.Length)
            throw new ArgumentException($"{data.Length} elements cannot fill shape [{string.Join(",", shape.ToArray())}] ({count} elements).", nameof(data));
        Tensor result = empty(shape, ScalarTypeOf<T>());
        if (count > 0) MemoryMarshal.AsBytes(data).CopyTo(result.bytes);
        if (requiresGrad) result.requires_grad_();
        return result;
    }

    /// <inheritdoc cref="FromSpan{T}(ReadOnlySpan{T}, ReadOnlySpan{long}, bool)"/>
    public static Tensor FromArray<T>(T[] data, params long[] shape) where T : unmanaged => FromSpan<T>(data, shape);

    /// <summary>A 1-D CPU tensor holding a copy of <paramref name="data"/>.</summary>
    public static Tensor FromArray<T>(T[] data) where T : unmanaged => FromSpan<T>(data, [data.Length]);

    /// <summary>The dtype whose elements are <typeparamref name="T"/>.</summary>
    public static ScalarType ScalarTypeOf<T>() where T : unmanaged =>
        typeof(T) == typeof(float) ? ScalarType.Float32 :
        typeof(T) == typeof(double) ? ScalarType.Float64 :
        typeof(T) == typeof(long) ? ScalarType.Int64 :
        typeof(T) == typeof(int) ? ScalarType.Int32 :
        typeof(T) == typeof(short) ? ScalarType.Int16 :
        typeof(T) == typeof(byte) ? ScalarType.Byte :
        typeof(T) == typeof(sbyte) ? ScalarType.Int8 :
        typeof(T) == typeof(bool) ? ScalarType.Bool :
        throw new NotSupportedException($"No tensor dtype holds {typeof(T).Name} elements.");
}
