using Microsoft.ML.Attribution.Torch.Native;

namespace Microsoft.ML.Attribution.Torch;

public static partial class torch
{
    public sealed partial class Tensor
    {
        /// <summary>Copies the elements (row-major) into a new managed array. T must match <see cref="dtype"/>.</summary>
        public T[] data<T>() where T : unmanaged
        {
            var result = new T[numel()];
            CopyTo<T>(result);
            return result;
        }

        public T[] ToArray<T>() where T : unmanaged => data<T>();

        /// <summary>Copies the elements (row-major, from any device) into <paramref name="destination"/>.</summary>
        public unsafe void CopyTo<T>(Span<T> destination) where T : unmanaged
        {
            ScalarType expected = ScalarTypeOf<T>();
            if (expected != dtype)
                throw new InvalidOperationException($"Cannot read a {DTypeName(dtype)} tensor as {typeof(T).Name}: convert it with .to({DTypeName(expected)}) first.");
            long n = numel();
            if (destination.Length != n)
                throw new ArgumentException($"Destination holds {destination.Length} elements but the tensor {Describe()} has {n}.", nameof(destination));
            fixed (T* p = destination)
                NativeResult.Check(NativeMethods.MLATensor_copy_to(Handle, p, n, (sbyte)dtype), "copy_to", this);
        }

        /// <summary>The value of a one-element tensor.</summary>
        public unsafe T item<T>() where T : unmanaged
        {
            double d;
            long l;
            NativeResult.Check(NativeMethods.MLATensor_item(Handle, &d, &l), "item", this);
            object value = typeof(T) == typeof(double) ? d : typeof(T) == typeof(float) ? (float)d :
                typeof(T) == typeof(long) ? l : typeof(T) == typeof(int) ? checked((int)l) :
                typeof(T) == typeof(bool) ? l != 0 : typeof(T) == typeof(byte) ? checked((byte)l) :
                throw new NotSupportedException($"item<{typeof(T).Name}> is not supported.");
            return (T)value;
        }

        /// <summary>Returns a second handle to the same storage (dispose both independently).</summary>
        public Tensor alias() => NativeResult.Wrap(NativeMethods.MLATensor_alias(Handle), "alias", this);

        public Tensor to(ScalarType type, bool copy = false) => to(type, device, copy);

        public Tensor to(Device target, bool copy = false) => to(dtype, target, copy);

        public Tensor to(ScalarType type, Device target, bool copy = false)
        {
            target.EnsureAvailable();
            return NativeResult.Wrap(NativeMethods.MLATensor_to(Handle, (sbyte)type, (int)target.type, target.index, copy ? 1 : 0), "to", this);
        }

        public Tensor cpu() => to(CPU);

        public Tensor cuda() => to(CUDA);

        public Tensor @float() => to(ScalarType.Float32);

        public Tensor @double() => to(ScalarType.Float64);

        public Tensor @long() => to(ScalarType.Int64);

        public Tensor @bool() => to(ScalarType.Bool);

        public Tensor clone() => NativeResult.Wrap(NativeMethods.MLATensor_clone(Handle), "clone", this);

        public Tensor contiguous() => NativeResult.Wrap(NativeMethods.MLATensor_contiguous(Handle), "contiguous", this);

        /// <summary>Copies <paramref name="source"/> (broadcast) into this tensor in place.</summary>
        public Tensor copy_(Tensor source)
        {
            NativeResult.Check(NativeMethods.MLATensor_copy_(Handle, source.Handle), "copy_", this, source);
            return this;
        }

        public Tensor fill_(double value)
        {
            NativeResult.Check(NativeMethods.MLATensor_fill_(Handle, value, (long)value, (sbyte)ScalarKind.Float), "fill_", this);
            return this;
        }

        public Tensor zero_() => fill_(0);

        /// <summary>Re-initializes in place from N(mean, std²) (no autograd history).</summary>
        public Tensor normal_(double mean = 0, double std = 1, Generator? generator = null)
        {
            NativeResult.Check(NativeMethods.MLATensor_normal_(Handle, mean, std, generator?.Handle ?? Generator.NullHandle), "normal_", this);
            return this;
        }
    }

    internal static ScalarType ScalarTypeOf<T>() where T : unmanaged =>
        typeof(T) == typeof(float) ? ScalarType.Float32 :
        typeof(T) == typeof(double) ? ScalarType.Float64 :
        typeof(T) == typeof(long) ? ScalarType.Int64 :
        typeof(T) == typeof(int) ? ScalarType.Int32 :
        typeof(T) == typeof(bool) ? ScalarType.Bool :
        typeof(T) == typeof(byte) ? ScalarType.Byte :
        typeof(T) == typeof(sbyte) ? ScalarType.Int8 :
        typeof(T) == typeof(short) ? ScalarType.Int16 :
        throw new NotSupportedException($"No tensor element type corresponds to {typeof(T).Name}.");
}
