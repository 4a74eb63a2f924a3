using System.Runtime.InteropServices;

namespace Microsoft.ML.Attribution.Torch.Native;

internal static partial class NativeMethods
{
    [LibraryImport(Library)] internal static partial void MLA_allocator_set_cache_limit(long bytes);
    [LibraryImport(Library)] internal static partial long MLA_allocator_cache_limit();
    [LibraryImport(Library)] internal static partial long MLA_allocator_cached_bytes();
    [LibraryImport(Library)] internal static partial void MLA_allocator_empty_cache();
}
