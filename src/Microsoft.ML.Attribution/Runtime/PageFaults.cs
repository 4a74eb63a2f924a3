using System.Runtime.InteropServices;

namespace Microsoft.ML.Attribution.Runtime;

/// <summary>
/// The process's minor page faults so far (first touches of memory the kernel has to map), from getrusage on Linux; 0
/// elsewhere. Profiles use it to tell memory that is mapped afresh on every call from arithmetic (see <see cref="NativeHeap"/>).
/// </summary>
public static class PageFaults
{
    private const int RusageSelf = 0;
    private const int MinorFaultsOffset = 64; // struct rusage: two timevals (32 bytes), then ru_maxrss … ru_minflt as longs
    private const int RusageSize = 144;

    public static bool Available { get; } = OperatingSystem.IsLinux() && TryRead(out _);

    /// <summary>Minor faults of the whole process since it started (0 when <see cref="Available"/> is false).</summary>
    public static long Minor() => Available && TryRead(out long faults) ? faults : 0;

    private static unsafe bool TryRead(out long minorFaults)
    {
        byte* usage = stackalloc byte[RusageSize];
        bool ok = getrusage(RusageSelf, usage) == 0;
        minorFaults = ok ? *(long*)(usage + MinorFaultsOffset) : 0;
        return ok;
    }

    [DllImport("libc", EntryPoint = "getrusage")]
    private static extern unsafe int getrusage(int who, byte* usage);
}
