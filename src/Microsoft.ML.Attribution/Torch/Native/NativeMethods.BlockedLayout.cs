using System.Runtime.InteropServices;

namespace Microsoft.ML.Attribution.Torch.Native;

internal static unsafe partial class NativeMethods
{
    [LibraryImport(Library)] internal static partial int MLATensor_is_blocked(TensorHandle t);
    [LibraryImport(Library)] internal static partial TensorHandle MLATensor_to_blocked(TensorHandle t);
    [LibraryImport(Library)] internal static partial TensorHandle MLATensor_to_dense(TensorHandle t);
    [LibraryImport(Library)] internal static partial long MLATensor_version(TensorHandle t);
}
