using System.Diagnostics;
using Microsoft.ML.Attribution.Graph;
using Microsoft.ML.Attribution.Methods;
using Microsoft.ML.Attribution.Modules;
using Microsoft.ML.Attribution.Onnx;
using Microsoft.ML.Attribution.Tensors;
using Microsoft.ML.Attribution.Tests.Onnx;
using TorchSharp;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace Microsoft.ML.Attribution.Tests.Modules;

/// <summary>
/// A TorchSharp nn.Module (TorchVision's resnet18 with weights loaded through TorchSharp.PyBridge) explained directly, against the
/// same method on the ONNX export of the same weights (tools/export_onnx_models.py module-twin): same maps within 1e-4 of their range.
/// </summary>
[TestClass]
public sealed class ModuleNetworkTests : TorchTest
{
    private static string s_stem = null!;

    /// <summary>Loaded once: TorchSharp's Module.Dispose leaves its parameter tensors to the finalizer, which the per-test leak check would count.</summary>
    private static nn.Module<Tensor, Tensor> s_module = null!;

    [ClassInitialize]
    public static void Export(TestContext context)
    {
        string cache = TorchvisionExportTests.CacheDirectory();
        s_stem = Path.Combine(cache, "resnet18_twin");
        if (!File.Exists(s_stem + ".pt") || !File.Exists(s_stem + ".onnx")) RunExport(cache);
        s_module = LoadModule();
    }

    [ClassCleanup]
    public static void Release() => s_module?.Dispose();

    private static void RunExport(string cache)
    {
        var start = new ProcessStartInfo("/usr/bin/python3",
            $"\"{Path.Combine(TorchvisionExportTests.RepositoryRoot(), "tools", "export_onnx_models.py")}\" module-twin \"{cache}\"")
        { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        using Process process = Process.Start(start)!;
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0) throw new InvalidOperationException($"module-twin export failed:\n{stdout}\n{stderr.Result}");
    }

    private static nn.Module<Tensor, Tensor> LoadModule()
    {
        var model = torchvision.models.resnet18(num_classes: 10);
        model.load_py(s_stem + ".pt");
        model.eval();
        return model;
    }

    private static Tensor Images()
    {
        using var g = RandomGenerators.FromSeed(17);
        return randn([2, 3, 64, 64], generator: g);
    }

    public static IEnumerable<object[]> Methods() =>
    [
        ["gradient", ""], ["gradient-x-input", ""], ["integrated-gradients", "steps=8"], ["smoothgrad", "samples=4"],
        ["occlusion", "window-height=16,window-width=16,stride-height=16,stride-width=16"], ["rise", "mask-count=24"],
        ["gradcam", ""], ["gradcam-plus-plus", ""], ["scorecam", ""],
    ];

    [TestMethod]
    [DynamicData(nameof(Methods))]
    public void A_module_is_explained_as_its_onnx_export_is(string method, string options)
    {
        using DisposeScope scope = NewDisposeScope();
        nn.Module<Tensor, Tensor> module = s_module;
        using Network wrapped = ModuleNetwork.Create(module, [3, 64, 64], camLayer: "layer4");
        using Network imported = OnnxImporter.Load(s_stem + ".onnx");
        Dictionary<string, string> settings = options.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(o => o.Split('='))
            .ToDictionary(p => p[0], p => p[1]);
        Tensor x = Images();
        using IAttributionMethod onModule = MethodRegistry.Create(method, wrapped, settings);
        using IAttributionMethod onOnnx = MethodRegistry.Create(method, imported, settings);
        using AttributionMap expected = onOnnx.Attribute(x);
        using AttributionMap actual = onModule.Attribute(x);
        CollectionAssert.AreEqual(expected.Targets, actual.Targets, "both explain the same top classes");
        AssertClose(expected.Map, actual.Map, 1e-4 * Range(expected.Map), $"{method} on the module vs on its ONNX export");
    }

    [TestMethod]
    public void The_modules_scores_equal_the_onnx_exports()
    {
        using DisposeScope scope = NewDisposeScope();
        nn.Module<Tensor, Tensor> module = s_module;
        using Network wrapped = ModuleNetwork.Create(module, [3, 64, 64]);
        using Network imported = OnnxImporter.Load(s_stem + ".onnx");
        using IDisposable noGrad = no_grad();
        Tensor x = Images();
        Tensor expected = imported.ForwardLogits(x);
        AssertClose(expected, wrapped.ForwardLogits(x), 1e-4 * Range(expected), "logits");
        CollectionAssert.AreEqual(new long[] { 512, 2, 2 }, ModuleNetwork.Create(module, [3, 64, 64], camLayer: "layer4").Layers[0].OutputShape);
    }

    [TestMethod]
    [DataRow("lrp-epsilon")]
    [DataRow("dmbp")]
    [DataRow("guided-backprop")]
    [DataRow("excitation-backprop")]
    [DataRow("rsp")]
    public void Rule_based_methods_refuse_a_module_and_say_why(string method)
    {
        nn.Module<Tensor, Tensor> module = s_module;
        using Network wrapped = ModuleNetwork.Create(module, [3, 64, 64], camLayer: "layer4");
        var e = Assert.ThrowsExactly<NotSupportedException>(() => MethodRegistry.Create(method, wrapped).Dispose());
        StringAssert.Contains(e.Message, "needs the imported graph");
    }

    [TestMethod]
    public void Bad_modules_and_layers_are_named()
    {
        nn.Module<Tensor, Tensor> module = s_module;
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => ModuleNetwork.Create(module, [3, 64, 64], camLayer: "layer9")).Message, "layer4");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => ModuleNetwork.Create(module, [64, 64])).Message, "[C, H, W]");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => ModuleNetwork.Create(module, [5, 64, 64])).Message, "does not run");
        using Network noCam = ModuleNetwork.Create(module, [3, 64, 64]);
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => MethodRegistry.Create("gradcam", noCam).Dispose()).Message, "camLayer");
        module.train();
        try
        {
            StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => ModuleNetwork.Create(module, [3, 64, 64])).Message, "eval()");
        }
        finally
        {
            module.eval();
        }
    }
}
