using Microsoft.ML.Attribution.Torch.Native;

namespace Microsoft.ML.Attribution.Torch;

public static partial class torch
{
    /// <summary>Copies <paramref name="data"/> (row-major) into a new tensor of the given shape; dtype follows T unless given.</summary>
    public static unsafe Tensor tensor<T>(ReadOnlySpan<T> data, long[] shape, ScalarType? dtype = null, Device? device = null,
        bool requires_grad = false) where T : unmanaged
    {
        long count = 1;
        foreach (long d in shape)
        {
            if (d < 0) throw new ArgumentException($"Shape [{string.Join(",", shape.ToArray())}] has a negative dimension.", nameof(shape));
            count *= d;
        }
        if (count != data.Length)
            throw new ArgumentException($"Shape [{string.Join(",", shape)}] needs {count} elements but {data.Length} were given.", nameof(data));
        Device target = device ?? CPU;
        target.EnsureAvailable();
        ScalarType source = ScalarTypeOf<T>();
        TensorHandle handle;
        fixed (T* p = data)
        fixed (long* s = shape)
            handle = NativeMethods.MLATensor_from_data(p, (sbyte)source, s, shape.Length, (int)target.type, target.index,
                requires_grad && (dtype ?? source) == source ? 1 : 0);
        Tensor result = NativeResult.Wrap(handle, "tensor");
        if (dtype is { } wanted && wanted != source)
        {
            using (result)
            {
                Tensor converted = result.to(wanted);
                return requires_grad ? converted.requires_grad_() : converted;
            }
        }
        return result;
    }

    public static Tensor tensor<T>(T[] data, long[] shape, ScalarType? dtype = null, Device? device = null, bool requires_grad = false)
        where T : unmanaged => tensor<T>(data.AsSpan(), shape, dtype, device, requires_grad);

    /// <summary>A 1-D tensor holding <paramref name="data"/>.</summary>
    public static Tensor tensor<T>(T[] data, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) where T : unmanaged =>
        tensor<T>(data.AsSpan(), new[] { (long)data.Length }, dtype, device, requires_grad);

    /// <summary>A 0-dimensional tensor holding one value.</summary>
    public static Tensor tensor(double value, ScalarType dtype = ScalarType.Float32, Device? device = null) =>
        full(Array.Empty<long>(), value, dtype, device);

    public static Tensor empty(long[] size, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) =>
        Create(0, size, dtype, device, requires_grad, "empty");

    public static Tensor empty(params long[] size) => empty(size, null);

    public static Tensor zeros(long[] size, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) =>
        Create(1, size, dtype, device, requires_grad, "zeros");

    public static Tensor zeros(params long[] size) => zeros(size, null);

    public static Tensor ones(long[] size, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) =>
        Create(2, size, dtype, device, requires_grad, "ones");

    public static Tensor ones(params long[] size) => ones(size, null);

    public static Tensor zeros_like(Tensor t, ScalarType? dtype = null) => zeros(t.shape, dtype ?? t.dtype, t.device);

    public static Tensor ones_like(Tensor t, ScalarType? dtype = null) => ones(t.shape, dtype ?? t.dtype, t.device);

    public static Tensor empty_like(Tensor t, ScalarType? dtype = null) => empty(t.shape, dtype ?? t.dtype, t.device);

    public static Tensor full_like(Tensor t, double value, ScalarType? dtype = null) => full(t.shape, value, dtype ?? t.dtype, t.device);

    public static unsafe Tensor full(long[] size, double value, ScalarType? dtype = null, Device? device = null)
    {
        Device target = Checked(device);
        fixed (long* s = size)
            return NativeResult.Wrap(NativeMethods.MLATensor_full(s, size.Length, value, (long)value, (sbyte)ScalarKind.Float,
                (sbyte)(dtype ?? ScalarType.Float32), (int)target.type, target.index), $"full([{string.Join(",", size)}])");
    }

    public static Tensor arange(double start, double end, double step = 1, ScalarType? dtype = null, Device? device = null)
    {
        Device target = Checked(device);
        if (step == 0) throw new ArgumentException("arange needs a non-zero step.", nameof(step));
        ScalarType type = dtype ?? (IsIntegral(start) && IsIntegral(end) && IsIntegral(step) ? ScalarType.Int64 : ScalarType.Float32);
        return NativeResult.Wrap(NativeMethods.MLATensor_arange(start, end, step, (sbyte)type, (int)target.type, target.index), "arange");
    }

    public static Tensor arange(double end, ScalarType? dtype = null, Device? device = null) => arange(0, end, 1, dtype, device);

    public static Tensor linspace(double start, double end, long steps, ScalarType? dtype = null, Device? device = null)
    {
        Device target = Checked(device);
        return NativeResult.Wrap(NativeMethods.MLATensor_linspace(start, end, steps, (sbyte)(dtype ?? ScalarType.Float32), (int)target.type, target.index), "linspace");
    }

    public static Tensor eye(long n, ScalarType? dtype = null, Device? device = null)
    {
        Device target = Checked(device);
        return NativeResult.Wrap(NativeMethods.MLATensor_eye(n, (sbyte)(dtype ?? ScalarType.Float32), (int)target.type, target.index), "eye");
    }

    /// <summary>Uniform samples in [0, 1).</summary>
    public static Tensor rand(long[] size, Generator? generator = null, ScalarType? dtype = null, Device? device = null) =>
        Random(0, size, generator, dtype, device, "rand");

    public static Tensor rand(params long[] size) => rand(size, null);

    /// <summary>Standard normal samples.</summary>
    public static Tensor randn(long[] size, Generator? generator = null, ScalarType? dtype = null, Device? device = null) =>
        Random(1, size, generator, dtype, device, "randn");

    public static Tensor randn(params long[] size) => randn(size, null);

    public static Tensor rand_like(Tensor t, Generator? generator = null) => rand(t.shape, generator, t.dtype, t.device);

    public static Tensor randn_like(Tensor t, Generator? generator = null) => randn(t.shape, generator, t.dtype, t.device);

    /// <summary>Samples from N(mean, std²).</summary>
    public static unsafe Tensor normal(double mean, double std, long[] size, Generator? generator = null, ScalarType? dtype = null, Device? device = null)
    {
        if (!(std >= 0)) throw new ArgumentOutOfRangeException(nameof(std), std, "The standard deviation must be non-negative.");
        Device target = Checked(device);
        fixed (long* s = size)
            return NativeResult.Wrap(NativeMethods.MLATensor_normal(mean, std, s, size.Length, generator?.Handle ?? Generator.NullHandle,
                (sbyte)(dtype ?? ScalarType.Float32), (int)target.type, target.index), "normal");
    }

    /// <summary>Integers uniform in [low, high).</summary>
    public static unsafe Tensor randint(long low, long high, long[] size, Generator? generator = null, ScalarType? dtype = null, Device? device = null)
    {
        Device target = Checked(device);
        fixed (long* s = size)
            return NativeResult.Wrap(NativeMethods.MLATensor_randint(low, high, s, size.Length, generator?.Handle ?? Generator.NullHandle,
                (sbyte)(dtype ?? ScalarType.Int64), (int)target.type, target.index), "randint");
    }

    public static Tensor randperm(long n, Generator? generator = null, ScalarType? dtype = null, Device? device = null)
    {
        Device target = Checked(device);
        return NativeResult.Wrap(NativeMethods.MLATensor_randperm(n, generator?.Handle ?? Generator.NullHandle,
            (sbyte)(dtype ?? ScalarType.Int64), (int)target.type, target.index), "randperm");
    }

    /// <summary>Draws 0/1 with the given per-element probabilities.</summary>
    public static Tensor bernoulli(Tensor probabilities, Generator? generator = null) =>
        NativeResult.Wrap(NativeMethods.MLATensor_bernoulli(probabilities.Handle, generator?.Handle ?? Generator.NullHandle), "bernoulli", probabilities);

    private static unsafe Tensor Create(int kind, long[] size, ScalarType? dtype, Device? device, bool requiresGrad, string name)
    {
        Device target = Checked(device);
        fixed (long* s = size)
            return NativeResult.Wrap(NativeMethods.MLATensor_new(kind, s, size.Length, (sbyte)(dtype ?? ScalarType.Float32), (int)target.type,
                target.index, requiresGrad ? 1 : 0), $"{name}([{string.Join(",", size)}])");
    }

    private static unsafe Tensor Random(int kind, long[] size, Generator? generator, ScalarType? dtype, Device? device, string name)
    {
        Device target = Checked(device);
        fixed (long* s = size)
            return NativeResult.Wrap(NativeMethods.MLATensor_random(kind, s, size.Length, generator?.Handle ?? Generator.NullHandle,
                (sbyte)(dtype ?? ScalarType.Float32), (int)target.type, target.index), $"{name}([{string.Join(",", size)}])");
    }

    private static Device Checked(Device? device)
    {
        Device target = device ?? CPU;
        target.EnsureAvailable();
        return target;
    }

    private static bool IsIntegral(double v) => Math.Abs(v - Math.Round(v)) == 0 && Math.Abs(v) < 9e15;
}
