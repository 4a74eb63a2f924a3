using Microsoft.ML.Attribution.Torch.Native;

namespace Microsoft.ML.Attribution.Torch;

public static partial class torch
{
    public sealed partial class Tensor
    {
        private unsafe Tensor Reduce(ReductionOp op, long[]? dims, bool keepdim)
        {
            dims ??= Array.Empty<long>();
            fixed (long* d = dims)
                return NativeResult.Wrap(NativeMethods.MLATensor_reduce(Handle, (int)op, d, dims.Length, keepdim ? 1 : 0),
                    dims.Length == 0 ? op.ToString().ToLowerInvariant() : $"{op.ToString().ToLowerInvariant()}(dim=[{string.Join(",", dims)}])", this);
        }

        /// <summary>Sum over <paramref name="dim"/> (all dims when null or empty).</summary>
        public Tensor sum(long[]? dim = null, bool keepdim = false) => Reduce(ReductionOp.Sum, dim, keepdim);
        public Tensor sum(long dim, bool keepdim = false) => Reduce(ReductionOp.Sum, new[] { dim }, keepdim);
        public Tensor mean(long[]? dim = null, bool keepdim = false) => Reduce(ReductionOp.Mean, dim, keepdim);
        public Tensor mean(long dim, bool keepdim = false) => Reduce(ReductionOp.Mean, new[] { dim }, keepdim);
        public Tensor amax(long[]? dim = null, bool keepdim = false) => Reduce(ReductionOp.Amax, dim, keepdim);
        public Tensor amax(long dim, bool keepdim = false) => Reduce(ReductionOp.Amax, new[] { dim }, keepdim);
        public Tensor amin(long[]? dim = null, bool keepdim = false) => Reduce(ReductionOp.Amin, dim, keepdim);
        public Tensor amin(long dim, bool keepdim = false) => Reduce(ReductionOp.Amin, new[] { dim }, keepdim);
        public Tensor prod(long[]? dim = null, bool keepdim = false) => Reduce(ReductionOp.Prod, dim, keepdim);
        public Tensor logsumexp(long dim, bool keepdim = false) => Reduce(ReductionOp.LogSumExp, new[] { dim }, keepdim);
        public Tensor any(long[]? dim = null, bool keepdim = false) => Reduce(ReductionOp.Any, dim, keepdim);
        public Tensor all(long[]? dim = null, bool keepdim = false) => Reduce(ReductionOp.All, dim, keepdim);
        /// <summary>Euclidean (L2) norm over <paramref name="dim"/>.</summary>
        public Tensor norm(long[]? dim = null, bool keepdim = false) => Reduce(ReductionOp.Norm, dim, keepdim);
        /// <summary>Unbiased variance.</summary>
        public Tensor var(long[]? dim = null, bool keepdim = false) => Reduce(ReductionOp.Var, dim, keepdim);
        /// <summary>Unbiased standard deviation.</summary>
        public Tensor std(long[]? dim = null, bool keepdim = false) => Reduce(ReductionOp.Std, dim, keepdim);
        public Tensor count_nonzero(long[]? dim = null, bool keepdim = false) => Reduce(ReductionOp.CountNonzero, dim, keepdim);

        /// <summary>Maximum over all elements.</summary>
        public Tensor max() => amax();
        public Tensor min() => amin();

        /// <summary>Maximum along <paramref name="dim"/> with the index of each maximum.</summary>
        public unsafe (Tensor values, Tensor indexes) max(long dim, bool keepdim = false) => Pair(NativeMethods.MLATensor_max_min_dim, 0, dim, keepdim, "max");
        public unsafe (Tensor values, Tensor indexes) min(long dim, bool keepdim = false) => Pair(NativeMethods.MLATensor_max_min_dim, 1, dim, keepdim, "min");

        private unsafe delegate int PairOp(TensorHandle t, int op, long dim, int keepdim, IntPtr* output);

        private unsafe (Tensor, Tensor) Pair(PairOp native, int op, long dim, bool keepdim, string name)
        {
            IntPtr* output = stackalloc IntPtr[2];
            NativeResult.Check(native(Handle, op, dim, keepdim ? 1 : 0, output), $"{name}(dim={dim})", this);
            return (NativeResult.WrapOptional(output[0])!, NativeResult.WrapOptional(output[1])!);
        }

        /// <summary>Index of the maximum (over the flattened tensor when <paramref name="dim"/> is null).</summary>
        public Tensor argmax(long? dim = null, bool keepdim = false) =>
            NativeResult.Wrap(NativeMethods.MLATensor_argmax_min(Handle, 0, dim.HasValue ? 1 : 0, dim ?? 0, keepdim ? 1 : 0), "argmax", this);

        public Tensor argmin(long? dim = null, bool keepdim = false) =>
            NativeResult.Wrap(NativeMethods.MLATensor_argmax_min(Handle, 1, dim.HasValue ? 1 : 0, dim ?? 0, keepdim ? 1 : 0), "argmin", this);

        /// <summary>The k largest (or smallest) elements along <paramref name="dim"/> and their indices.</summary>
        public unsafe (Tensor values, Tensor indexes) topk(long k, long dim = -1, bool largest = true, bool sorted = true)
        {
            IntPtr* output = stackalloc IntPtr[2];
            NativeResult.Check(NativeMethods.MLATensor_topk(Handle, k, dim, largest ? 1 : 0, sorted ? 1 : 0, output), $"topk(k={k}, dim={dim})", this);
            return (NativeResult.WrapOptional(output[0])!, NativeResult.WrapOptional(output[1])!);
        }

        public unsafe (Tensor values, Tensor indexes) sort(long dim = -1, bool descending = false, bool stable = false)
        {
            IntPtr* output = stackalloc IntPtr[2];
            NativeResult.Check(NativeMethods.MLATensor_sort(Handle, dim, descending ? 1 : 0, stable ? 1 : 0, output), $"sort(dim={dim})", this);
            return (NativeResult.WrapOptional(output[0])!, NativeResult.WrapOptional(output[1])!);
        }

        /// <summary>The q-quantile (linear interpolation), over all elements when <paramref name="dim"/> is null.</summary>
        public Tensor quantile(double q, long? dim = null, bool keepdim = false)
        {
            if (!(q >= 0 && q <= 1)) throw new ArgumentOutOfRangeException(nameof(q), q, "The quantile must lie in [0, 1].");
            return NativeResult.Wrap(NativeMethods.MLATensor_quantile(Handle, q, dim.HasValue ? 1 : 0, dim ?? 0, keepdim ? 1 : 0), "quantile", this);
        }
    }

    public static Tensor sum(Tensor t, long[]? dim = null, bool keepdim = false) => t.sum(dim, keepdim);
    public static Tensor mean(Tensor t, long[]? dim = null, bool keepdim = false) => t.mean(dim, keepdim);
    public static Tensor amax(Tensor t, long[]? dim = null, bool keepdim = false) => t.amax(dim, keepdim);
    public static Tensor amin(Tensor t, long[]? dim = null, bool keepdim = false) => t.amin(dim, keepdim);
    public static Tensor argmax(Tensor t, long? dim = null, bool keepdim = false) => t.argmax(dim, keepdim);
    public static (Tensor values, Tensor indexes) topk(Tensor t, long k, long dim = -1, bool largest = true, bool sorted = true) =>
        t.topk(k, dim, largest, sorted);
}
