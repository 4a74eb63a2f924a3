using System.Diagnostics;
using Microsoft.ML.Attribution.Runtime;
using Microsoft.ML.Attribution.Tests.Onnx;

namespace Microsoft.ML.Attribution.Tests.Runtime;

/// <summary>
/// TorchSharp 0.107 on this machine: the build output's patched libLibTorchSharp.so loads (in a child process, since the engine's libtorch
/// 1.13 shares its library names), every undefined symbol resolves, and an unpatched copy or a missing libtorch gives our error naming
/// the version or the file.
/// </summary>
[TestClass]
public sealed class TorchSharpLoadingTests
{
    private static string HostFolder
    {
        get
        {
            // The host is built next to the tests, in the same configuration (bin/<Configuration>/<tfm>).
            var tests = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
            string folder = Path.Combine(TorchvisionExportTests.RepositoryRoot(), "test", "Microsoft.ML.Attribution.TorchSharpHost", "bin", tests.Parent!.Name, tests.Name);
            Assert.IsTrue(File.Exists(Path.Combine(folder, HostDll)), $"the TorchSharp host is not built at {folder}");
            return folder;
        }
    }

    private const string HostDll = "Microsoft.ML.Attribution.TorchSharpHost.dll";

    private static string PatchedGlue => Path.Combine(HostFolder, "runtimes", "linux-x64", "native", "libLibTorchSharp.so");

    private static (int ExitCode, string Output, string Error) Run(string folder, params string[] args) =>
        ChildProcess.Finish(ChildProcess.Start("dotnet", [Path.Combine(folder, HostDll), .. args]), TimeSpan.FromMinutes(2), "the TorchSharp host");

    /// <summary>A copy of the host's output made of hard links (1.4 GB of natives): replace files by deleting them first.</summary>
    private static string LinkedCopy(string name)
    {
        string copy = Path.Combine(Path.GetTempPath(), "mla-torchsharp", name + "-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(Path.GetDirectoryName(copy)!);
        using Process cp = Process.Start("cp", ["-al", HostFolder, copy])!;
        cp.WaitForExit();
        Assert.AreEqual(0, cp.ExitCode, "cp -al failed");
        return copy;
    }

    [TestMethod]
    public void ThePatchedBuildOutputLoadsAndDifferentiates()
    {
        (int exit, string output, string error) = Run(HostFolder, "smoke");
        Assert.AreEqual(0, exit, error);
        StringAssert.StartsWith(output.Trim(), "torch 2.10");
        StringAssert.EndsWith(output.Trim(), "conv 36 grad 36");   // a 3×3 box filter over 4×4 ones: 4 windows of 9; its input gradient sums to the same
    }

    [TestMethod]
    public void EveryUndefinedSymbolOfThePatchedLibraryResolves()
    {
        var start = new ProcessStartInfo("ldd", ["-r", PatchedGlue]) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.Environment["LD_LIBRARY_PATH"] = Path.GetDirectoryName(PatchedGlue);
        using Process ldd = Process.Start(start)!;
        Task<string> stderr = ldd.StandardError.ReadToEndAsync();
        string report = ldd.StandardOutput.ReadToEnd() + stderr.Result;
        ldd.WaitForExit();

        string[] problems = report.Split('\n').Where(l => l.Contains("undefined symbol", StringComparison.Ordinal)
            || (l.Contains("not found", StringComparison.Ordinal) && !l.Contains("weak version", StringComparison.Ordinal))).ToArray();
        Assert.IsEmpty(problems, string.Join("\n", problems));
        Assert.Contains("libtorch_cpu.so", report, "ldd resolved the bundled libtorch");
    }

    [TestMethod]
    public void AnUnpatchedLibraryGivesOurErrorNamingTheMissingVersion()
    {
        string nugetRoot = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } packages ? packages
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        string original = Path.Combine(nugetRoot, "torchsharp", TorchSharpRuntime.TorchSharpVersion, "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
        Assert.IsTrue(File.Exists(original), $"no TorchSharp package at {original}");
        string copy = LinkedCopy("unpatched");
        string glue = Path.Combine(copy, "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
        File.Delete(glue);
        File.Copy(original, glue);

        (int exit, _, string error) = Run(copy, "smoke");

        if (LibStdCxxVersions.Highest(LibStdCxxVersions.SystemLibrary()!) >= 32)
        {
            Assert.AreEqual(0, exit, "this system's libstdc++ has GLIBCXX_3.4.32: the unpatched library loads as it is");
            return;
        }
        Assert.AreEqual(4, exit, error);
        StringAssert.Contains(error, "asks libstdc++.so.6 for GLIBCXX_3.4.32");
        StringAssert.Contains(error, "TorchSharp load fix");
    }

    [TestMethod]
    public void AMissingLibtorchIsNamed()
    {
        string copy = LinkedCopy("no-libtorch");
        File.Delete(Path.Combine(copy, "runtimes", "linux-x64", "native", "libtorch_cpu.so"));

        (int exit, _, string error) = Run(copy, "smoke");

        Assert.AreEqual(4, exit, error);
        StringAssert.Contains(error, "libtorch (libtorch_cpu.so) is not in");
        StringAssert.Contains(error, "TorchSharp-cpu 0.107.0");
    }
}
