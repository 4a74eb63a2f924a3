using System.Diagnostics;
using Microsoft.ML.Attribution.Graph;
using Microsoft.ML.Attribution.Onnx;
using TorchSharp;
using static TorchSharp.torch;
using Microsoft.ML.Attribution.Tensors;

namespace Microsoft.ML.Attribution.Tests.Onnx;

/// <summary>
/// torchvision architectures (random weights, fixed seeds) exported by Debian's torch.onnx.export at opset 11,
/// opset 13 without constant folding, and opset 13 in training mode (keeps BatchNormalization and Dropout).
/// The files are too big to commit: the first run generates them into artifacts/onnx-cache (kept for later runs).
/// </summary>
[TestClass]
public sealed class TorchvisionExportTests : TorchTest
{
    private static readonly string[] Models = ["resnet18", "resnet50", "vgg16", "vgg16_bn", "densenet121", "squeezenet1_1", "mobilenet_v2", "googlenet"];
    private static readonly string[] Variants = ["opset11", "opset13_nofold", "opset13_train"];

    public static IEnumerable<object[]> Exports() => Models.SelectMany(m => Variants.Select(v => new object[] { $"{m}_{v}" }));

    [ClassInitialize]
    public static void GenerateExports(TestContext context)
    {
        string root = RepositoryRoot();
        string cache = CacheDirectory();
        bool complete = Exports().All(e => File.Exists(Path.Combine(cache, $"{e[0]}.expected.npy")));
        if (complete) return;
        var start = new ProcessStartInfo("/usr/bin/python3", $"\"{Path.Combine(root, "tools", "export_onnx_models.py")}\" torchvision \"{cache}\"")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using Process process = Process.Start(start) ?? throw new InvalidOperationException("could not start /usr/bin/python3");
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(TimeSpan.FromMinutes(20))) process.Kill(entireProcessTree: true);
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"tools/export_onnx_models.py failed ({process.ExitCode}):\n{stdout}\n{stderr.Result}");
    }

    [TestMethod]
    [DynamicData(nameof(Exports))]
    public void Torchvision_export_matches_torch(string name) => OnnxExportTests.AssertMatchesTorch(Path.Combine(CacheDirectory(), name));

    [TestMethod]
    public void Loading_a_large_model_leaves_one_copy_of_its_weights_resident()
    {
        // Without the importer's collection, the parsed protobuf (a second copy of the weights) stays resident: ~2× the file.
        string path = Path.Combine(CacheDirectory(), "vgg16_opset11.onnx");
        long fileBytes = new FileInfo(path).Length;
        using (OnnxImporter.Load(Path.Combine(CacheDirectory(), "resnet18_opset11.onnx"))) { } // libtorch's own start-up is not the model's
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        malloc_trim(0);          // glibc's free heap pages earlier tests left resident, which the weights could otherwise reuse unseen
        long before = ResidentBytes();
        using Network network = OnnxImporter.Load(path);
        long grown = ResidentBytes() - before;
        Assert.IsLessThan(1.4 * fileBytes, (double)grown, $"resident memory grew by {grown >> 20} MB loading a {fileBytes >> 20} MB model");
        Assert.IsGreaterThan(0.8 * fileBytes, (double)grown, "the weights themselves are resident");
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "malloc_trim")]
    private static extern int malloc_trim(nuint pad);

    /// <summary>VmRSS of this process.</summary>
    private static long ResidentBytes()
    {
        string line = File.ReadLines("/proc/self/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024;
    }

    internal static string RepositoryRoot()
    {
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Attribution.ML.sln"))) return dir.FullName;
        throw new InvalidOperationException("Attribution.ML.sln not found above " + AppContext.BaseDirectory);
    }

    internal static string CacheDirectory() => Path.Combine(RepositoryRoot(), "artifacts", "onnx-cache");
}
