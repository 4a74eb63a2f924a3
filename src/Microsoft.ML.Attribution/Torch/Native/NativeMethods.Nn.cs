using System.Runtime.InteropServices;

namespace Microsoft.ML.Attribution.Torch.Native;

internal static unsafe partial class NativeMethods
{
    [LibraryImport(Library)] internal static partial TensorHandle MLANN_conv2d(TensorHandle x, TensorHandle w, TensorHandle b, long* stride, long* padding, long* dilation, long groups);
    [LibraryImport(Library)] internal static partial TensorHandle MLANN_conv_transpose2d(TensorHandle x, TensorHandle w, TensorHandle b, long* stride, long* padding, long* outputPadding, long groups, long* dilation);
    [LibraryImport(Library)] internal static partial int MLANN_conv2d_backward(TensorHandle gradOutput, TensorHandle x, TensorHandle w, long* stride, long* padding, long* dilation, long groups, int wantInput, int wantWeight, int wantBias, IntPtr* output);
    [LibraryImport(Library)] internal static partial TensorHandle MLANN_max_pool2d(TensorHandle x, long* kernel, long* stride, long* padding, long* dilation, int ceilMode);
    [LibraryImport(Library)] internal static partial int MLANN_max_pool2d_with_indices(TensorHandle x, long* kernel, long* stride, long* padding, long* dilation, int ceilMode, IntPtr* output);
    [LibraryImport(Library)] internal static partial TensorHandle MLANN_max_pool2d_with_indices_backward(TensorHandle gradOutput, TensorHandle x, long* kernel, long* stride, long* padding, long* dilation, int ceilMode, TensorHandle indices);
    [LibraryImport(Library)] internal static partial TensorHandle MLANN_avg_pool2d(TensorHandle x, long* kernel, long* stride, long* padding, int ceilMode, int countIncludePad, long divisorOverride);
    [LibraryImport(Library)] internal static partial TensorHandle MLANN_avg_pool2d_backward(TensorHandle gradOutput, TensorHandle x, long* kernel, long* stride, long* padding, int ceilMode, int countIncludePad, long divisorOverride);
    [LibraryImport(Library)] internal static partial TensorHandle MLANN_adaptive_avg_pool2d(TensorHandle x, long* outputSize);
    [LibraryImport(Library)] internal static partial TensorHandle MLANN_adaptive_avg_pool2d_backward(TensorHandle gradOutput, TensorHandle x);
    [LibraryImport(Library)] internal static partial TensorHandle MLANN_threshold_backward(TensorHandle gradOutput, TensorHandle x, double threshold);
    [LibraryImport(Library)] internal static partial TensorHandle MLANN_batch_norm(TensorHandle x, TensorHandle weight, TensorHandle bias, TensorHandle runningMean, TensorHandle runningVar, int training, double momentum, double eps);
    [LibraryImport(Library)] internal static partial TensorHandle MLANN_interpolate(TensorHandle x, long* size, int mode, int alignCorners);
    [LibraryImport(Library)] internal static partial TensorHandle MLANN_pad(TensorHandle x, long* pad, int length, int mode, double value);
}
