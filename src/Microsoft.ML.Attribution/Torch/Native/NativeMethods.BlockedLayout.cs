using System.Runtime.InteropServices;

namespace Microsoft.ML.Attribution.Torch.Native;

internal static unsafe partial class NativeMethods
{
    [LibraryImport(Library)] internal static partial int MLANN_blocked_layout_available();
    [LibraryImport(Library)] internal static partial int MLATensor_is_blocked(TensorHandle t);
    [LibraryImport(Library)] internal static partial TensorHandle MLATensor_to_blocked(TensorHandle t);
    [LibraryImport(Library)] internal static partial TensorHandle MLATensor_to_dense(TensorHandle t);
    [LibraryImport(Library)] internal static partial long MLATensor_version(TensorHandle t);
    [LibraryImport(Library)] internal static partial TensorHandle MLANN_pack_conv2d_weight(TensorHandle w, long* padding, long* stride, long* dilation, long groups);
    [LibraryImport(Library)] internal static partial TensorHandle MLANN_blocked_conv2d(TensorHandle x, TensorHandle packedWeight, TensorHandle b, long* padding, long* stride, long* dilation, long groups);
}
