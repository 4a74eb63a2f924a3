using System.Runtime.InteropServices;

namespace Microsoft.ML.Attribution.Torch.Native;

/// <summary>Owns one native <c>at::Generator*</c>.</summary>
internal sealed class GeneratorHandle : SafeHandle
{
    public GeneratorHandle() : base(IntPtr.Zero, ownsHandle: true) { }

    public override bool IsInvalid => handle == IntPtr.Zero;

    protected override bool ReleaseHandle()
    {
        NativeMethods.MLAGenerator_dispose(handle);
        return true;
    }
}
