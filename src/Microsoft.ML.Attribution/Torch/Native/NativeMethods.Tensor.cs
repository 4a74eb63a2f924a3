using System.Runtime.InteropServices;

namespace Microsoft.ML.Attribution.Torch.Native;

internal static unsafe partial class NativeMethods
{
    [LibraryImport(Library)] internal static partial void MLATensor_dispose(IntPtr t);
    [LibraryImport(Library)] internal static partial TensorHandle MLATensor_alias(TensorHandle t);
    [LibraryImport(Library)] internal static partial int MLATensor_ndim(TensorHandle t);
    [LibraryImport(Library)] internal static partial int MLATensor_sizes(TensorHandle t, long* output, int capacity);
    [LibraryImport(Library)] internal static partial int MLATensor_strides(TensorHandle t, long* output, int capacity);
    [LibraryImport(Library)] internal static partial sbyte MLATensor_dtype(TensorHandle t);
    [LibraryImport(Library)] internal static partial int MLATensor_device_type(TensorHandle t);
    [LibraryImport(Library)] internal static partial int MLATensor_device_index(TensorHandle t);
    [LibraryImport(Library)] internal static partial long MLATensor_numel(TensorHandle t);
    [LibraryImport(Library)] internal static partial int MLATensor_is_contiguous(TensorHandle t);
    [LibraryImport(Library)] internal static partial IntPtr MLATensor_data_ptr(TensorHandle t);
    [LibraryImport(Library)] internal static partial TensorHandle MLATensor_from_data(void* data, sbyte dtype, long* sizes, int ndim, int deviceType, int deviceIndex, int requiresGrad);
    [LibraryImport(Library)] internal static partial int MLATensor_copy_to(TensorHandle t, void* destination, long numel, sbyte dtype);
    [LibraryImport(Library)] internal static partial int MLATensor_item(TensorHandle t, double* asDouble, long* asLong);
    [LibraryImport(Library)] internal static partial TensorHandle MLATensor_to(TensorHandle t, sbyte dtype, int deviceType, int deviceIndex, int copy);
    [LibraryImport(Library)] internal static partial TensorHandle MLATensor_clone(TensorHandle t);
    [LibraryImport(Library)] internal static partial TensorHandle MLATensor_contiguous(TensorHandle t);
    [LibraryImport(Library)] internal static partial int MLATensor_copy_(TensorHandle t, TensorHandle source);
    [LibraryImport(Library)] internal static partial int MLATensor_fill_(TensorHandle t, double d, long l, sbyte kind);
    [LibraryImport(Library)] internal static partial TensorHandle MLATensor_new(int kind, long* sizes, int ndim, sbyte dtype, int deviceType, int deviceIndex, int requiresGrad);
    [LibraryImport(Library)] internal static partial TensorHandle MLATensor_full(long* sizes, int ndim, double d, long l, sbyte kind, sbyte dtype, int deviceType, int deviceIndex);
    [LibraryImport(Library)] internal static partial TensorHandle MLATensor_arange(double start, double end, double step, sbyte dtype, int deviceType, int deviceIndex);
    [LibraryImport(Library)] internal static partial TensorHandle MLATensor_linspace(double start, double end, long steps, sbyte dtype, int deviceType, int deviceIndex);
    [LibraryImport(Library)] internal static partial TensorHandle MLATensor_eye(long n, sbyte dtype, int deviceType, int deviceIndex);
    [LibraryImport(Library)] internal static partial TensorHandle MLATensor_random(int kind, long* sizes, int ndim, GeneratorHandle g, sbyte dtype, int deviceType, int deviceIndex);
    [LibraryImport(Library)] internal static partial TensorHandle MLATensor_normal(double mean, double std, long* sizes, int ndim, GeneratorHandle g, sbyte dtype, int deviceType, int deviceIndex);
    [LibraryImport(Library)] internal static partial TensorHandle MLATensor_randint(long low, long high, long* sizes, int ndim, GeneratorHandle g, sbyte dtype, int deviceType, int deviceIndex);
    [LibraryImport(Library)] internal static partial TensorHandle MLATensor_randperm(long n, GeneratorHandle g, sbyte dtype, int deviceType, int deviceIndex);
    [LibraryImport(Library)] internal static partial TensorHandle MLATensor_bernoulli(TensorHandle probabilities, GeneratorHandle g);
    [LibraryImport(Library)] internal static partial int MLATensor_normal_(TensorHandle t, double mean, double std, GeneratorHandle g);
}
