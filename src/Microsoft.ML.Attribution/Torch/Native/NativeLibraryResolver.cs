using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Microsoft.ML.Attribution.Torch.Native;

/// <summary>
/// Finds libAttributionNative.so for every [LibraryImport] of this assembly, in one place:
/// the MLATTRIBUTION_NATIVE environment variable (a file or a folder), the assembly folder,
/// runtimes/linux-x64/native under it, then the system search path. libtorch itself comes from the system.
/// </summary>
internal static class NativeLibraryResolver
{
    internal const string EnvironmentVariable = "MLATTRIBUTION_NATIVE";
    private const string FileName = "libAttributionNative.so";

#pragma warning disable CA2255 // a module initializer is the documented place to install a DllImport resolver
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void Register() => NativeLibrary.SetDllImportResolver(typeof(NativeLibraryResolver).Assembly, Resolve);

    private static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? searchPath)
    {
        if (name != NativeMethods.Library) return IntPtr.Zero;

        var tried = new List<string>();
        foreach (string candidate in Candidates(assembly))
        {
            tried.Add(candidate);
            if (File.Exists(candidate) && NativeLibrary.TryLoad(candidate, out IntPtr loaded)) return loaded;
        }
        tried.Add($"{FileName} on the system library path");
        if (NativeLibrary.TryLoad(FileName, out IntPtr fromPath)) return fromPath;

        string? loadError = null;
        string? existing = tried.FirstOrDefault(File.Exists);
        if (existing != null)
        {
            try { NativeLibrary.Load(existing); }
            catch (Exception e) { loadError = e.Message; }
        }
        throw new DllNotFoundException(
            $"The native shim {FileName} could not be loaded. Searched: {string.Join("; ", tried)}." +
            (loadError != null ? $" Loading {existing} failed: {loadError}. Is libtorch installed (bash eng/install-prerequisites.sh)?" :
                $" Build the solution (dotnet build) to produce it, or set {EnvironmentVariable} to its path."));
    }

    private static IEnumerable<string> Candidates(Assembly assembly)
    {
        string? overridePath = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrEmpty(overridePath))
            yield return Directory.Exists(overridePath) ? Path.Combine(overridePath, FileName) : overridePath;
        string folder = Path.GetDirectoryName(assembly.Location) is { Length: > 0 } f ? f : AppContext.BaseDirectory;
        yield return Path.Combine(folder, FileName);
        yield return Path.Combine(folder, "runtimes", RuntimeInformation.RuntimeIdentifier, "native", FileName);
        yield return Path.Combine(folder, "runtimes", "linux-x64", "native", FileName);
    }
}
