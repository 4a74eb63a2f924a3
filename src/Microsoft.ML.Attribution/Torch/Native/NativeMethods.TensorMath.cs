using System.Runtime.InteropServices;

namespace Microsoft.ML.Attribution.Torch.Native;

internal static unsafe partial class NativeMethods
{
    [LibraryImport(Library)] internal static partial TensorHandle MLATensor_unary(TensorHandle t, int op);
    [LibraryImport(Library)] internal static partial int MLATensor_unary_(TensorHandle t, int op);
    [LibraryImport(Library)] internal static partial TensorHandle MLATensor_binary(TensorHandle a, TensorHandle b, int op, double alpha);
    [LibraryImport(Library)] internal static partial TensorHandle MLATensor_binary_scalar(TensorHandle a, double d, long l, sbyte kind, int op, double alpha);
    [LibraryImport(Library)] internal static partial TensorHandle MLATensor_scalar_binary(double d, long l, sbyte kind, TensorHandle b, int op);
    [LibraryImport(Library)] internal static partial int MLATensor_binary_(TensorHandle a, TensorHandle b, int op, double alpha);
    [LibraryImport(Library)] internal static partial int MLATensor_binary_scalar_(TensorHandle a, double d, long l, sbyte kind, int op, double alpha);
    [LibraryImport(Library)] internal static partial TensorHandle MLATensor_where(TensorHandle condition, TensorHandle a, TensorHandle b);
    [LibraryImport(Library)] internal static partial TensorHandle MLATensor_clamp(TensorHandle t, int hasMin, double min, int hasMax, double max);
    [LibraryImport(Library)] internal static partial TensorHandle MLATensor_clamp_tensors(TensorHandle t, TensorHandle min, TensorHandle max);
    [LibraryImport(Library)] internal static partial TensorHandle MLATensor_leaky_relu(TensorHandle t, double slope);
    [LibraryImport(Library)] internal static partial TensorHandle MLATensor_masked_fill(TensorHandle t, TensorHandle mask, double d, long l, sbyte kind);
    [LibraryImport(Library)] internal static partial TensorHandle MLATensor_reduce(TensorHandle t, int op, long* dims, int ndims, int keepdim);
    [LibraryImport(Library)] internal static partial int MLATensor_max_min_dim(TensorHandle t, int op, long dim, int keepdim, IntPtr* output);
    [LibraryImport(Library)] internal static partial TensorHandle MLATensor_argmax_min(TensorHandle t, int op, int hasDim, long dim, int keepdim);
    [LibraryImport(Library)] internal static partial int MLATensor_topk(TensorHandle t, long k, long dim, int largest, int sorted, IntPtr* output);
    [LibraryImport(Library)] internal static partial int MLATensor_sort(TensorHandle t, long dim, int descending, int stable, IntPtr* output);
    [LibraryImport(Library)] internal static partial TensorHandle MLATensor_quantile(TensorHandle t, double q, int hasDim, long dim, int keepdim);
    [LibraryImport(Library)] internal static partial TensorHandle MLATensor_cumsum(TensorHandle t, long dim);
    [LibraryImport(Library)] internal static partial TensorHandle MLATensor_softmax(TensorHandle t, long dim, int op);
    [LibraryImport(Library)] internal static partial TensorHandle MLATensor_matmul(TensorHandle a, TensorHandle b);
    [LibraryImport(Library)] internal static partial TensorHandle MLATensor_mm(TensorHandle a, TensorHandle b);
    [LibraryImport(Library)] internal static partial TensorHandle MLATensor_bmm(TensorHandle a, TensorHandle b);
    [LibraryImport(Library)] internal static partial TensorHandle MLATensor_addmm(TensorHandle c, TensorHandle a, TensorHandle b, double beta, double alpha);
    [LibraryImport(Library)] internal static partial TensorHandle MLATensor_linear(TensorHandle x, TensorHandle w, TensorHandle b);
}
