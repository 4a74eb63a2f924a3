using System.Runtime.InteropServices;
using TorchSharp;

namespace Microsoft.ML.Attribution.Runtime;

/// <summary>
/// libtorch's process-wide switch for its oneDNN (MKL-DNN) CPU kernels — Python's <c>torch.backends.mkldnn.enabled</c> —
/// which TorchSharp does not expose, reached through libtorch's exported C++ entry points. Used around autograd: libtorch
/// 2.10's oneDNN convolution backward returns wrong input gradients in float32 for convolutions with few output channels,
/// while the native kernels it falls back to are right; and a whole-model backward of TorchVision's resnet50 with parameter
/// gradients ends the process with SIGFPE inside oneDNN on this machine's CPU. Code of yours that calls TorchSharp's
/// autograd directly should run it inside <c>using (OneDnnSwitch.Disabled())</c>. Where the entry points are not found
/// (another platform's name mangling), nothing is switched.
/// </summary>
public static unsafe class OneDnnSwitch
{
    private static readonly Lock s_lock = new();
    private static bool s_resolved;
    private static delegate* unmanaged<IntPtr> s_globalContext;
    private static delegate* unmanaged<IntPtr, byte, void> s_setEnabled;
    private static delegate* unmanaged<IntPtr, byte> s_enabled;
    private static int s_disabledScopes;
    private static bool s_wasEnabled;

    /// <summary>Whether the switch could be reached on this platform.</summary>
    public static bool Available => Resolve();

    /// <summary>Turns oneDNN off until the returned scope is disposed (nested and concurrent scopes count; the last one restores it).</summary>
    public static IDisposable Disabled()
    {
        if (!Resolve()) return NoScope.Instance;
        lock (s_lock)
        {
            if (s_disabledScopes++ == 0)
            {
                IntPtr context = s_globalContext();
                s_wasEnabled = s_enabled(context) != 0;
                s_setEnabled(context, 0);
            }
        }
        return new Scope();
    }

    private static void Restore()
    {
        lock (s_lock)
        {
            if (--s_disabledScopes == 0 && s_wasEnabled)
                s_setEnabled(s_globalContext(), 1);
        }
    }

    private static bool Resolve()
    {
        lock (s_lock)
        {
            if (s_resolved) return s_setEnabled != null;
            s_resolved = true;
            TorchSharpRuntime.EnsureLoaded();
            string name = OperatingSystem.IsWindows() ? "torch_cpu.dll" : OperatingSystem.IsMacOS() ? "libtorch_cpu.dylib" : "libtorch_cpu.so";
            if (!NativeLibrary.TryLoad(name, typeof(torch).Assembly, DllImportSearchPath.SafeDirectories | DllImportSearchPath.AssemblyDirectory, out IntPtr library)
                && !NativeLibrary.TryLoad(name, out library))
                return false;
            if (!NativeLibrary.TryGetExport(library, "_ZN2at13globalContextEv", out IntPtr context)
                || !NativeLibrary.TryGetExport(library, "_ZN2at7Context20setUserEnabledMkldnnEb", out IntPtr set)
                || !NativeLibrary.TryGetExport(library, "_ZNK2at7Context17userEnabledMkldnnEv", out IntPtr get))
                return false;
            s_globalContext = (delegate* unmanaged<IntPtr>)context;
            s_setEnabled = (delegate* unmanaged<IntPtr, byte, void>)set;
            s_enabled = (delegate* unmanaged<IntPtr, byte>)get;
            return true;
        }
    }

    private sealed class Scope : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0) Restore();
        }
    }

    private sealed class NoScope : IDisposable
    {
        public static readonly NoScope Instance = new();

        public void Dispose() { }
    }
}
