using Microsoft.ML.Attribution.Torch.Native;

namespace Microsoft.ML.Attribution.Torch;

public static partial class torch
{
    /// <summary>
    /// A libtorch tensor. Owns one native handle; dispose it (or let a <see cref="DisposeScope"/> do it).
    /// Names and semantics follow TorchSharp / PyTorch.
    /// </summary>
    public sealed partial class Tensor : IDisposable
    {
        private readonly TensorHandle _handle;
        private long[]? _shape;

        internal Tensor(TensorHandle handle)
        {
            _handle = handle;
            handle.Track();
            DisposeScopeManager.Register(this);
        }

        /// <summary>Native tensors alive right now, on all threads (for leak checks).</summary>
        public static long TotalCount => TensorHandle.Live;

        /// <summary>Highest <see cref="TotalCount"/> seen since the last <see cref="ResetPeakCount"/>.</summary>
        public static long PeakCount => TensorHandle.Peak;

        public static void ResetPeakCount() => TensorHandle.ResetPeak();

        internal DisposeScope? OwningScope { get; set; }

        internal TensorHandle Handle => !_handle.IsClosed ? _handle :
            throw new ObjectDisposedException(nameof(Tensor), "The tensor was used after it was disposed (by Dispose() or by its DisposeScope). " +
                "Move results out of a scope with MoveToOuterDisposeScope().");

        public bool IsDisposed => _handle.IsClosed;

        public void Dispose()
        {
            if (_handle.IsClosed) return;
            OwningScope?.Forget(this);
            OwningScope = null;
            _handle.Dispose();
        }

        /// <summary>Moves this tensor to the scope enclosing its current one (for returning results).</summary>
        public Tensor MoveToOuterDisposeScope() => OwningScope?.MoveToOuter(this) ?? this;

        /// <summary>Removes this tensor from its scope: the caller now owns it.</summary>
        public Tensor DetachFromDisposeScope() => OwningScope?.Detach(this) ?? this;

        public Tensor MoveToOtherDisposeScope(DisposeScope scope) => scope.Attach(this);

        public long[] shape => _shape ??= ReadShape();

        public long Dimensions => shape.Length;

        public long dim() => shape.Length;

        public long size(int dimension) => shape[dimension < 0 ? dimension + shape.Length : dimension];

        public long numel() => NativeMethods.MLATensor_numel(Handle);

        /// <summary>Bytes per element of <see cref="dtype"/>.</summary>
        public long element_size() => dtype switch
        {
            ScalarType.Byte or ScalarType.Int8 or ScalarType.Bool => 1,
            ScalarType.Int16 or ScalarType.Float16 or ScalarType.BFloat16 => 2,
            ScalarType.Int32 or ScalarType.Float32 => 4,
            _ => 8,
        };

        public ScalarType dtype => (ScalarType)NativeMethods.MLATensor_dtype(Handle);

        public Device device => new((DeviceType)NativeMethods.MLATensor_device_type(Handle), NativeMethods.MLATensor_device_index(Handle));

        public bool is_contiguous() => NativeMethods.MLATensor_is_contiguous(Handle) != 0;

        public unsafe long[] stride()
        {
            long* buffer = stackalloc long[64];
            int n = NativeMethods.MLATensor_strides(Handle, buffer, 64);
            NativeResult.Check(n, "stride", this);
            return new ReadOnlySpan<long>(buffer, n).ToArray();
        }

        private unsafe long[] ReadShape()
        {
            long* buffer = stackalloc long[64];
            int n = NativeMethods.MLATensor_sizes(Handle, buffer, 64);
            NativeResult.Check(n, "shape", this);
            return new ReadOnlySpan<long>(buffer, n).ToArray();
        }

        /// <summary>"[2,3,4] float32" (or "disposed"), used in error messages.</summary>
        internal string Describe() => IsDisposed ? "disposed tensor" :
            $"[{string.Join(",", shape)}] {DTypeName(dtype)}{(device.type == DeviceType.CPU ? "" : " " + device)}";

        public override string ToString() => $"Tensor {Describe()}";

        internal static string DTypeName(ScalarType t) => t switch
        {
            ScalarType.Float32 => "float32",
            ScalarType.Float64 => "float64",
            ScalarType.Int64 => "int64",
            ScalarType.Int32 => "int32",
            ScalarType.Bool => "bool",
            ScalarType.Byte => "uint8",
            _ => t.ToString().ToLowerInvariant(),
        };
    }
}
