using System.Runtime.InteropServices;

namespace Microsoft.ML.Attribution.Torch.Native;

internal static unsafe partial class NativeMethods
{
    [LibraryImport(Library)] internal static partial int MLAAutograd_is_enabled();
    [LibraryImport(Library)] internal static partial int MLAAutograd_set_enabled(int enabled);
    [LibraryImport(Library)] internal static partial int MLATensor_requires_grad(TensorHandle t);
    [LibraryImport(Library)] internal static partial int MLATensor_requires_grad_(TensorHandle t, int value);
    [LibraryImport(Library)] internal static partial int MLATensor_is_leaf(TensorHandle t);
    [LibraryImport(Library)] internal static partial TensorHandle MLATensor_detach(TensorHandle t);
    [LibraryImport(Library)] internal static partial int MLATensor_grad(TensorHandle t, IntPtr* output);
    [LibraryImport(Library)] internal static partial int MLATensor_zero_grad(TensorHandle t);
    [LibraryImport(Library)] internal static partial int MLATensor_backward(TensorHandle t, TensorHandle gradient, int retainGraph, int createGraph);
    [LibraryImport(Library)] internal static partial int MLAAutograd_grad(IntPtr* outputs, int nOutputs, IntPtr* inputs, int nInputs, IntPtr* gradOutputs, int nGradOutputs, int retainGraph, int createGraph, int allowUnused, IntPtr* output);
}
