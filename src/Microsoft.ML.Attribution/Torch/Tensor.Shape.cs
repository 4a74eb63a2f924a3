using Microsoft.ML.Attribution.Torch.Native;

namespace Microsoft.ML.Attribution.Torch;

public static partial class torch
{
    public sealed partial class Tensor
    {
        private unsafe delegate TensorHandle ShapeOp(TensorHandle t, long* values, int length);

        private unsafe Tensor WithShape(ShapeOp native, long[] values, string name)
        {
            fixed (long* p = values)
                return NativeResult.Wrap(native(Handle, p, values.Length), $"{name}([{string.Join(",", values)}])", this);
        }

        public unsafe Tensor reshape(params long[] shape) => WithShape(NativeMethods.MLATensor_reshape, shape, "reshape");
        public unsafe Tensor view(params long[] shape) => WithShape(NativeMethods.MLATensor_view, shape, "view");
        public unsafe Tensor permute(params long[] dims) => WithShape(NativeMethods.MLATensor_permute, dims, "permute");
        public unsafe Tensor expand(params long[] shape) => WithShape(NativeMethods.MLATensor_expand, shape, "expand");
        public unsafe Tensor repeat(params long[] repeats) => WithShape(NativeMethods.MLATensor_repeat, repeats, "repeat");
        public unsafe Tensor flip(params long[] dims) => WithShape(NativeMethods.MLATensor_flip, dims, "flip");

        public Tensor expand_as(Tensor other) => expand(other.shape);
        public Tensor reshape_as(Tensor other) => reshape(other.shape);

        public Tensor transpose(long dim0, long dim1) => NativeResult.Wrap(NativeMethods.MLATensor_transpose(Handle, dim0, dim1), "transpose", this);
        public Tensor t() => transpose(0, 1);
        public Tensor flatten(long start_dim = 0, long end_dim = -1) =>
            NativeResult.Wrap(NativeMethods.MLATensor_flatten(Handle, start_dim, end_dim), "flatten", this);
        public Tensor unsqueeze(long dim) => NativeResult.Wrap(NativeMethods.MLATensor_unsqueeze(Handle, dim), $"unsqueeze({dim})", this);
        public Tensor squeeze(long? dim = null) =>
            NativeResult.Wrap(NativeMethods.MLATensor_squeeze(Handle, dim.HasValue ? 1 : 0, dim ?? 0), "squeeze", this);
        /// <summary>A view of <paramref name="length"/> entries of <paramref name="dim"/> starting at <paramref name="start"/>.</summary>
        public Tensor narrow(long dim, long start, long length) =>
            NativeResult.Wrap(NativeMethods.MLATensor_narrow(Handle, dim, start, length), $"narrow(dim={dim}, start={start}, length={length})", this);
        public Tensor slice(long dim, long start, long end, long step = 1) =>
            NativeResult.Wrap(NativeMethods.MLATensor_slice(Handle, dim, start, end, step), $"slice(dim={dim}, {start}:{end}:{step})", this);
        /// <summary>The sub-tensor at <paramref name="index"/> along <paramref name="dim"/> (that dim removed).</summary>
        public Tensor select(long dim, long index) =>
            NativeResult.Wrap(NativeMethods.MLATensor_select(Handle, dim, index), $"select(dim={dim}, index={index})", this);
        public Tensor this[long index] => select(0, index);

        public Tensor index_select(long dim, Tensor index) =>
            NativeResult.Wrap(NativeMethods.MLATensor_index_select(Handle, dim, index.Handle), "index_select", this, index);
        public Tensor gather(long dim, Tensor index) =>
            NativeResult.Wrap(NativeMethods.MLATensor_gather(Handle, dim, index.Handle), "gather", this, index);
        public Tensor scatter(long dim, Tensor index, Tensor source) =>
            NativeResult.Wrap(NativeMethods.MLATensor_scatter(Handle, dim, index.Handle, source.Handle), "scatter", this, index, source);
        public Tensor scatter_add(long dim, Tensor index, Tensor source) =>
            NativeResult.Wrap(NativeMethods.MLATensor_scatter_add(Handle, dim, index.Handle, source.Handle), "scatter_add", this, index, source);
        public Tensor masked_select(Tensor mask) =>
            NativeResult.Wrap(NativeMethods.MLATensor_masked_select(Handle, mask.Handle), "masked_select", this, mask);
        /// <summary>this[index[i]] += source[i] along <paramref name="dim"/>, in place; repeated indices accumulate.</summary>
        public Tensor index_add_(long dim, Tensor index, Tensor source)
        {
            NativeResult.Check(NativeMethods.MLATensor_index_add_(Handle, dim, index.Handle, source.Handle), "index_add_", this, index, source);
            return this;
        }

        public Tensor nonzero() => NativeResult.Wrap(NativeMethods.MLATensor_nonzero(Handle), "nonzero", this);
    }

    public static unsafe Tensor cat(IReadOnlyList<Tensor> tensors, long dim = 0) => Join(NativeMethods.MLATensor_cat, tensors, dim, "cat");

    public static unsafe Tensor stack(IReadOnlyList<Tensor> tensors, long dim = 0) => Join(NativeMethods.MLATensor_stack, tensors, dim, "stack");

    public static Tensor flatten(Tensor t, long start_dim = 0, long end_dim = -1) => t.flatten(start_dim, end_dim);

    private unsafe delegate TensorHandle JoinOp(IntPtr* tensors, int count, long dim);

    private static unsafe Tensor Join(JoinOp native, IReadOnlyList<Tensor> tensors, long dim, string name)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        if (tensors.Count == 0) throw new ArgumentException($"{name} needs at least one tensor.", nameof(tensors));
        IntPtr* handles = stackalloc IntPtr[tensors.Count];
        for (int i = 0; i < tensors.Count; i++) handles[i] = tensors[i].Handle.DangerousGetHandle();
        TensorHandle result = native(handles, tensors.Count, dim);
        GC.KeepAlive(tensors); // the list holds the tensors (and so their handles) alive during the call
        if (result.IsInvalid) throw NativeResult.Error($"{name}(dim={dim})", tensors);
        return new Tensor(result);
    }
}
