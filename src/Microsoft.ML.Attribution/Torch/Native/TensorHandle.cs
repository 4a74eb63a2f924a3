using System.Runtime.InteropServices;

namespace Microsoft.ML.Attribution.Torch.Native;

/// <summary>Owns one native <c>at::Tensor*</c>; releasing it drops one reference to the storage.</summary>
internal sealed class TensorHandle : SafeHandle
{
    private static long s_live;
    private static long s_peak;

    public TensorHandle() : base(IntPtr.Zero, ownsHandle: true) { }

    /// <summary>Stands for an absent optional tensor (a null pointer on the native side); never released.</summary>
    internal static readonly TensorHandle Null = new();

    internal TensorHandle(IntPtr handle) : base(IntPtr.Zero, ownsHandle: true) => SetHandle(handle);

    public override bool IsInvalid => handle == IntPtr.Zero;

    /// <summary>Native tensors currently alive (created and not yet released), across all threads.</summary>
    internal static long Live => Interlocked.Read(ref s_live);

    internal static long Peak => Interlocked.Read(ref s_peak);

    internal static void ResetPeak() => Interlocked.Exchange(ref s_peak, Live);

    /// <summary>Counts a freshly created valid handle; paired with the decrement in <see cref="ReleaseHandle"/>.</summary>
    internal void Track()
    {
        long live = Interlocked.Increment(ref s_live);
        long peak;
        while (live > (peak = Interlocked.Read(ref s_peak)) && Interlocked.CompareExchange(ref s_peak, live, peak) != peak) { }
    }

    protected override bool ReleaseHandle()
    {
        NativeMethods.MLATensor_dispose(handle);
        Interlocked.Decrement(ref s_live);
        return true;
    }
}
