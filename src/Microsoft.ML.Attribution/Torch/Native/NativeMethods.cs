using System.Runtime.InteropServices;

namespace Microsoft.ML.Attribution.Torch.Native;

/// <summary>
/// P/Invoke surface of the native shim (native/*.cpp), one partial file per native source file.
/// Failing calls return a null handle or -1 and leave the message in <see cref="MLA_last_error"/>.
/// </summary>
internal static unsafe partial class NativeMethods
{
    internal const string Library = "AttributionNative";

    [LibraryImport(Library)] internal static partial IntPtr MLA_last_error();
    [LibraryImport(Library)] internal static partial IntPtr MLA_torch_version();
    [LibraryImport(Library)] internal static partial IntPtr MLA_torch_config();
    [LibraryImport(Library)] internal static partial int MLA_set_num_threads(int n);
    [LibraryImport(Library)] internal static partial int MLA_get_num_threads();
    [LibraryImport(Library)] internal static partial int MLA_cuda_is_available();
    [LibraryImport(Library)] internal static partial int MLA_cuda_device_count();
    [LibraryImport(Library)] internal static partial int MLA_manual_seed(long seed);

    [LibraryImport(Library)] internal static partial GeneratorHandle MLAGenerator_new(long seed);
    [LibraryImport(Library)] internal static partial int MLAGenerator_manual_seed(GeneratorHandle g, long seed);
    [LibraryImport(Library)] internal static partial long MLAGenerator_initial_seed(GeneratorHandle g);
    [LibraryImport(Library)] internal static partial void MLAGenerator_dispose(IntPtr g);
}
