using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Attribution.Runtime;

/// <summary>
/// Loads TorchSharp's native libraries once, and when they cannot be loaded says why in our words: which file is missing, or which
/// libstdc++ version the system lacks and the build step that fixes it. TorchSharp itself reports every such failure as "doesn't contain a
/// reference to libtorch-cpu-linux-x64", which is misleading when the package is there.
/// </summary>
public static class TorchSharpRuntime
{
    private static readonly Lock s_lock = new();
    private static bool s_loaded;

    /// <summary>The TorchSharp package version the library was built and tested with; upgrades are tested per OS before the pin moves.</summary>
    public const string TorchSharpVersion = "0.107.0";

    /// <summary>Loads TorchSharp's CPU runtime (idempotent), or throws <see cref="TorchSharpLoadException"/> naming what is missing.</summary>
    public static void EnsureLoaded()
    {
        lock (s_lock)
        {
            if (s_loaded)
                return;
            try
            {
                torch.InitializeDeviceType(DeviceType.CPU);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                throw new TorchSharpLoadException(Diagnose(AppContext.BaseDirectory, e.Message), e);
            }
            QuietLibtorchWarnings();
            NativeHeap.RetainFreedMemory();
            s_loaded = true;
        }
    }

    /// <summary>
    /// libtorch logs warnings straight to stderr, e.g. "Could not initialize NNPACK! Reason: Unsupported hardware." on every
    /// convolution of a CPU without NNPACK support: noise in a CLI's or a service's output. Raise c10's log threshold to
    /// errors, unless the user set TORCH_CPP_LOG_LEVEL (then libtorch's own setting stands).
    /// </summary>
    private static void QuietLibtorchWarnings()
    {
        if (Environment.GetEnvironmentVariable("TORCH_CPP_LOG_LEVEL") is not null) return;
        if (!NativeLibrary.TryLoad(NativeName("c10"), typeof(torch).Assembly, DllImportSearchPath.SafeDirectories | DllImportSearchPath.AssemblyDirectory, out IntPtr c10)
            && !NativeLibrary.TryLoad(NativeName("c10"), out c10))
            return;
        const int Error = 2; // c10's severities: INFO 0, WARNING 1, ERROR 2, FATAL 3
        if (NativeLibrary.TryGetExport(c10, "FLAGS_caffe2_log_level", out IntPtr level))
            Marshal.WriteInt32(level, Math.Max(Marshal.ReadInt32(level), Error));
    }

    /// <summary>Why TorchSharp's natives in <paramref name="applicationFolder"/> did not load, as precisely as the files tell.</summary>
    internal static string Diagnose(string applicationFolder, string torchSharpMessage)
    {
        string[] glue = FindAll(applicationFolder, NativeName("LibTorchSharp"));
        if (glue.Length == 0)
            return $"TorchSharp's native library {NativeName("LibTorchSharp")} is not in '{applicationFolder}': the application must reference the TorchSharp " +
                $"package ({TorchSharpVersion}). TorchSharp said: {torchSharpMessage}";
        string[] libtorch = FindAll(applicationFolder, NativeName("torch_cpu"));
        if (libtorch.Length == 0)
            return $"libtorch ({NativeName("torch_cpu")}) is not in '{applicationFolder}': the application must reference one native TorchSharp package, " +
                $"TorchSharp-cpu {TorchSharpVersion} (or TorchSharp-cuda-linux / TorchSharp-cuda-windows for a GPU).";
        if (OperatingSystem.IsLinux() && LibStdCxxVersions.SystemLibrary() is string system)
        {
            int? needed = glue.Select(LibStdCxxVersions.Highest).Max();
            int? offered = LibStdCxxVersions.Highest(system);
            if (needed is int n && offered is int o && n > o)
                return $"{glue[0]} asks libstdc++.so.6 for GLIBCXX_3.4.{n}; this system's {system} offers up to GLIBCXX_3.4.{o}, so the loader refuses it. " +
                    "Build the application with Microsoft.ML.Attribution's TorchSharp load fix (the package's build step, or eng/TorchSharpLoadFix.targets), " +
                    $"which marks that one need weak in the build output; the only symbol tied to it is never called. TorchSharp said: {torchSharpMessage}";
        }
        return $"TorchSharp's native libraries in '{applicationFolder}' did not load ({RuntimeInformation.OSDescription}, {RuntimeInformation.ProcessArchitecture}). " +
            $"TorchSharp said: {torchSharpMessage}";
    }

    private static string NativeName(string name) =>
        OperatingSystem.IsWindows() ? name + ".dll" : OperatingSystem.IsMacOS() ? "lib" + name + ".dylib" : "lib" + name + ".so";

    private static string[] FindAll(string folder, string fileName) =>
        Directory.Exists(folder) ? Directory.GetFiles(folder, fileName, SearchOption.AllDirectories) : [];
}
