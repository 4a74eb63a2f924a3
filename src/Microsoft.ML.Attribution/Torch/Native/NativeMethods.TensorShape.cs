using System.Runtime.InteropServices;

namespace Microsoft.ML.Attribution.Torch.Native;

internal static unsafe partial class NativeMethods
{
    [LibraryImport(Library)] internal static partial TensorHandle MLATensor_reshape(TensorHandle t, long* shape, int ndim);
    [LibraryImport(Library)] internal static partial TensorHandle MLATensor_view(TensorHandle t, long* shape, int ndim);
    [LibraryImport(Library)] internal static partial TensorHandle MLATensor_permute(TensorHandle t, long* dims, int ndim);
    [LibraryImport(Library)] internal static partial TensorHandle MLATensor_transpose(TensorHandle t, long dim0, long dim1);
    [LibraryImport(Library)] internal static partial TensorHandle MLATensor_flatten(TensorHandle t, long start, long end);
    [LibraryImport(Library)] internal static partial TensorHandle MLATensor_expand(TensorHandle t, long* shape, int ndim);
    [LibraryImport(Library)] internal static partial TensorHandle MLATensor_repeat(TensorHandle t, long* repeats, int ndim);
    [LibraryImport(Library)] internal static partial TensorHandle MLATensor_unsqueeze(TensorHandle t, long dim);
    [LibraryImport(Library)] internal static partial TensorHandle MLATensor_squeeze(TensorHandle t, int hasDim, long dim);
    [LibraryImport(Library)] internal static partial TensorHandle MLATensor_narrow(TensorHandle t, long dim, long start, long length);
    [LibraryImport(Library)] internal static partial TensorHandle MLATensor_slice(TensorHandle t, long dim, long start, long end, long step);
    [LibraryImport(Library)] internal static partial TensorHandle MLATensor_select(TensorHandle t, long dim, long index);
    [LibraryImport(Library)] internal static partial TensorHandle MLATensor_flip(TensorHandle t, long* dims, int ndim);
    [LibraryImport(Library)] internal static partial TensorHandle MLATensor_cat(IntPtr* tensors, int count, long dim);
    [LibraryImport(Library)] internal static partial TensorHandle MLATensor_stack(IntPtr* tensors, int count, long dim);
    [LibraryImport(Library)] internal static partial TensorHandle MLATensor_index_select(TensorHandle t, long dim, TensorHandle index);
    [LibraryImport(Library)] internal static partial TensorHandle MLATensor_gather(TensorHandle t, long dim, TensorHandle index);
    [LibraryImport(Library)] internal static partial TensorHandle MLATensor_scatter(TensorHandle t, long dim, TensorHandle index, TensorHandle source);
    [LibraryImport(Library)] internal static partial TensorHandle MLATensor_scatter_add(TensorHandle t, long dim, TensorHandle index, TensorHandle source);
    [LibraryImport(Library)] internal static partial TensorHandle MLATensor_masked_select(TensorHandle t, TensorHandle mask);
    [LibraryImport(Library)] internal static partial TensorHandle MLATensor_nonzero(TensorHandle t);
    [LibraryImport(Library)] internal static partial int MLATensor_index_add_(TensorHandle t, long dim, TensorHandle index, TensorHandle source);
}
