using System.Runtime.InteropServices;

namespace Microsoft.ML.Attribution.Torch.Native;

internal static unsafe partial class NativeMethods
{
    [LibraryImport(Library)] internal static partial IntPtr MLADnnl_conv_new(TensorHandle weight, TensorHandle bias, long* stride, long* padding, long* dilation, long groups, int allowWinograd, int epilogue, IntPtr sharePackedWith);
    [LibraryImport(Library)] internal static partial void MLADnnl_conv_free(IntPtr conv);
    [LibraryImport(Library)] internal static partial long MLADnnl_conv_scratch_bytes(IntPtr conv, long n, long c, long h, long w, int blocked);
    [LibraryImport(Library)] internal static partial long MLADnnl_set_scratch_per_call(long bytes);
    [LibraryImport(Library)] internal static partial long MLADnnl_packed_bytes_total();
    [LibraryImport(Library)] internal static partial int MLADnnl_conv_forward(IntPtr conv, TensorHandle x, int xBlocked, TensorHandle accumulate, IntPtr* output, int* outputBlocked);
    [LibraryImport(Library)] internal static partial int MLADnnl_conv_backward_data(IntPtr conv, TensorHandle gradOutput, long inH, long inW, IntPtr* gradInput);
    [LibraryImport(Library)] internal static partial int MLADnnl_pool(TensorHandle x, int kind, long* kernel, long* stride, long* padding, long outH, long outW, IntPtr* output);
    [LibraryImport(Library)] internal static partial TensorHandle MLADnnl_to_blocked(TensorHandle x);
    [LibraryImport(Library)] internal static partial TensorHandle MLADnnl_to_dense(TensorHandle x);
}
