using System.Runtime.InteropServices;

namespace Microsoft.ML.Attribution.Torch.Native;

internal static unsafe partial class NativeMethods
{
    [LibraryImport(Library)] internal static partial TensorHandle MLARel_divide(TensorHandle relevance, TensorHandle z, double epsilon);

    [LibraryImport(Library)] internal static partial TensorHandle MLARel_dense_excitation(TensorHandle input, TensorHandle weight, TensorHandle relevance, int negate, double epsilon);
}
