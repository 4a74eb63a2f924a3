using System.Runtime.InteropServices;

namespace Microsoft.ML.Attribution.Runtime;

/// <summary>
/// Keeps freed tensor memory in glibc's heap for reuse instead of handing it back to the kernel. libtorch's CPU allocator
/// is plain malloc/free: by default glibc maps every large tensor freshly (mmap above a threshold that only grows as
/// large blocks are freed) and trims the heap top whenever more than twice that is free, so each pass over a network
/// touches its activations' pages anew. A page fault is a few microseconds on bare metal and more under virtualization:
/// on this project's 2-core VM a ResNet50 backward at batch 2 spent over half its time in them (a fresh 6.4 MB tensor
/// cost 10–20 ms of faults; 1.2 ms of arithmetic). Raising the mmap threshold to glibc's maximum (32 MB), the trim threshold
/// to 2 GB and allowing no mmapped blocks at all (M_MMAP_MAX = 0: blocks above 32 MB, such as VGG16's first activations from
/// batch 4, would otherwise still be mapped and unmapped on every use — 12,500 faults for a 51 MB tensor) keeps the memory
/// mapped once it has been used: the process's resident size stays at its peak. VGG16 LRP-α2β1 at batch 2: 37,000 → 28,000
/// faults and 1.81 → 1.54 s per call. A thread other than the process's first allocates from its own arena, made of heaps of
/// at most 64 MB that glibc unmaps as soon as one is entirely free, whatever the trim threshold — unless the top pad is a
/// whole heap (M_TOP_PAD = 64 MB): without it a test thread re-faulted one of five 51 MB tensors in most passes (~10,000
/// faults a pass); the main arena only keeps 64 MB more address space reserved (untouched, so never faulted in).
/// Applied once when TorchSharp is loaded, on Linux with glibc, unless the user tuned malloc themselves (any MALLOC_*_
/// variable or glibc.malloc in GLIBC_TUNABLES) or set ML_ATTRIBUTION_NATIVE_HEAP=default.
/// </summary>
public static class NativeHeap
{
    private const int TrimThresholdParameter = -1; // M_TRIM_THRESHOLD
    private const int MmapThresholdParameter = -3; // M_MMAP_THRESHOLD
    private const int MmapMaxParameter = -4; // M_MMAP_MAX
    private const int TopPadParameter = -2; // M_TOP_PAD
    private const int TopPad = 64 * 1024 * 1024; // glibc's HEAP_MAX_SIZE on 64-bit: a whole thread heap
    private const int MaximumMmapThreshold = 32 * 1024 * 1024; // glibc's HEAP_MAX_SIZE / 2 on 64-bit: larger values are refused
    private const int TrimThreshold = int.MaxValue;

    /// <summary>The environment variable that leaves glibc's defaults alone when set to <c>default</c>.</summary>
    public const string OptOutVariable = "ML_ATTRIBUTION_NATIVE_HEAP";

    /// <summary>Whether freed tensor memory is kept for reuse (set by <see cref="TorchSharpRuntime.EnsureLoaded"/>).</summary>
    public static bool RetainsFreedMemory { get; private set; }

    internal static unsafe void RetainFreedMemory()
    {
        if (RetainsFreedMemory || !OperatingSystem.IsLinux() || UserTunedMalloc()) return;
        if (!NativeLibrary.TryLoad("libc.so.6", out IntPtr libc) || !NativeLibrary.TryGetExport(libc, "mallopt", out IntPtr export)) return;
        var mallopt = (delegate* unmanaged<int, int, int>)export;
        // mallopt returns 1 on success; both settings or neither is the state we report.
        RetainsFreedMemory = mallopt(MmapThresholdParameter, MaximumMmapThreshold) == 1 && mallopt(TrimThresholdParameter, TrimThreshold) == 1
            && mallopt(MmapMaxParameter, 0) == 1 && mallopt(TopPadParameter, TopPad) == 1;
    }

    private static bool UserTunedMalloc()
    {
        if (string.Equals(Environment.GetEnvironmentVariable(OptOutVariable), "default", StringComparison.OrdinalIgnoreCase)) return true;
        if (Environment.GetEnvironmentVariable("GLIBC_TUNABLES")?.Contains("glibc.malloc", StringComparison.Ordinal) == true) return true;
        foreach (string name in Environment.GetEnvironmentVariables().Keys.Cast<string>())
            if (name.StartsWith("MALLOC_", StringComparison.Ordinal) && name.EndsWith('_')) return true;
        return false;
    }
}
