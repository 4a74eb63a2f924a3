using System.Diagnostics;
using System.Text.Json.Nodes;
using Attribution.Cli.Shared;
using Microsoft.ML.Attribution.Graph;
using Microsoft.ML.Attribution.Imaging;
using Microsoft.ML.Attribution.Maps;
using Microsoft.ML.Attribution.Methods;
using Microsoft.ML.Attribution.Onnx;
using TorchSharp;
using Microsoft.ML.Attribution.Tensors;
using static TorchSharp.torch;

namespace Microsoft.ML.Attribution.Tests.Cli;

/// <summary>Each verb end to end, in-process, on the committed small shapes model.</summary>
[TestClass]
public sealed class CliCommandTests : TorchTest
{
    [TestMethod]
    public void ExplainWritesOverlaysRawMapsAndResults()
    {
        CliTestData data = CliTestData.Create("explain", images: 3);
        string output = data.Out("explain");

        int exit = CliTestData.Run("explain", "--model", CliTestData.Model, "--input", data.Images, CliTestData.StoredInputs,
            "--method", "gradient", "gradient-x-input", "--npy", "--out", output, "--batch", "4");

        Assert.AreEqual(0, exit);
        foreach (string method in new[] { "gradient", "gradient-x-input" })
        {
            for (int i = 0; i < 3; i++)
            {
                using Tensor overlay = ImageIO.Load(Path.Combine(output, $"shape_{i:D3}.{method}.png"));
                CollectionAssert.AreEqual(new long[] { 80, 80, 3 }, overlay.shape, "overlays have the original image's size");
                using Tensor raw = Npy.Load(Path.Combine(output, $"shape_{i:D3}.{method}.npy"));
                CollectionAssert.AreEqual(new long[] { 1, 3, 64, 64 }, raw.shape);
                Assert.AreEqual(ScalarType.Float32, raw.dtype);
            }
            for (int i = 0; i < 8; i++)
                Assert.IsTrue(File.Exists(Path.Combine(output, $"inputs_{i}.{method}.png")));
        }

        // The .npy input's maps: one file [N,C,H,W] float32, equal to the method called directly on the tensor (used as-is).
        using (DisposeScope scope = NewDisposeScope())
        {
            Tensor maps = Npy.Load(Path.Combine(output, "inputs.gradient.npy"));
            CollectionAssert.AreEqual(new long[] { 8, 3, 64, 64 }, maps.shape);
            Assert.AreEqual(ScalarType.Float32, maps.dtype);
            using Network network = OnnxImporter.Load(CliTestData.Model);
            using IAttributionMethod gradient = MethodRegistry.Create("gradient", network);
            using AttributionMap expected = gradient.Attribute(Npy.Load(CliTestData.StoredInputs));
            AssertClose(expected.Map, maps, 1e-5, "explain --npy holds the raw (unreduced) attribution");
        }
        AssertNumpyReads(Path.Combine(output, "inputs.gradient.npy"), "(8, 3, 64, 64) float32");

        JsonObject results = JsonNode.Parse(File.ReadAllText(Path.Combine(output, "results.json")))!.AsObject();
        JsonArray items = results["items"]!.AsArray();
        Assert.HasCount(11, items);
        CollectionAssert.AreEqual(new[] { "gradient", "gradient-x-input" }, results["methods"]!.AsArray().Select(m => (string?)m).ToArray());
        foreach (JsonNode? item in items)
        {
            foreach (string method in new[] { "gradient", "gradient-x-input" })
            {
                JsonNode entry = item!["results"]![method]!;
                Assert.IsNull(entry["error"]);
                Assert.IsTrue((int)entry["target"]! is >= 0 and < 4);
                Assert.IsTrue(double.IsFinite((double)entry["logit"]!));
                Assert.IsGreaterThan(0.0, (double)entry["seconds"]!);
            }
        }
    }

    [TestMethod]
    public void ExplainRecordsBadInputsPerItemAndRejectsBadArguments()
    {
        CliTestData data = CliTestData.Create("explain-bad", images: 1);
        string corrupt = Path.Combine(AppContext.BaseDirectory, "fixtures", "images", "corrupt.png");
        string output = data.Out("explain-bad");

        Assert.AreEqual(0, CliTestData.Run("explain", "--model", CliTestData.Model, "--input", data.Shapes[0].Path, corrupt, "--target", "2", "--out", output));
        JsonArray items = JsonNode.Parse(File.ReadAllText(Path.Combine(output, "results.json")))!["items"]!.AsArray();
        Assert.AreEqual(2, (int)items[0]!["results"]!["gradient"]!["target"]!, "--target explains that class");
        StringAssert.StartsWith((string?)items[1]!["results"]!["gradient"]!["error"], "Corrupt image: ");
        Assert.IsFalse(File.Exists(Path.Combine(output, "corrupt.gradient.png")));

        Assert.AreEqual(2, CliTestData.Run("explain", "--model", CliTestData.Model, "--input", data.Images, "--target", "9", "--out", output));
        Assert.AreEqual(2, CliTestData.Run("explain", "--model", CliTestData.Model, "--input", data.Images, "--method", "no-such", "--out", output));
        Assert.AreEqual(2, CliTestData.Run("explain", "--model", CliTestData.Model, "--input", data.Images, "--option", "gradient-steps=3", "--out", output));
        Assert.AreEqual(2, CliTestData.Run("explain", "--model", "/no/such.onnx", "--input", data.Images, "--out", output));
    }

    [TestMethod]
    public void DeviceCudaWithoutCudaIsAUsageErrorSayingWhy()
    {
        CliTestData data = CliTestData.Create("explain-device", images: 1);
        Assert.AreEqual(2, CliTestData.Run("explain", "--model", CliTestData.Model, "--input", data.Images, "--device", "cuda", "--out", data.Out("cuda")));
        Assert.AreEqual(2, CliTestData.Run("explain", "--model", CliTestData.Model, "--input", data.Images, "--device", "tpu", "--out", data.Out("tpu")));
        Assert.AreEqual(0, CliTestData.Run("explain", "--model", CliTestData.Model, "--input", data.Images, "--device", "cpu", "--out", data.Out("cpu")));

        // The usage error's text (what CommandRunner prints after "error:").
        var cuda = Assert.ThrowsExactly<CliUsageException>(() => DeviceOption.Parse("cuda"));
        StringAssert.StartsWith(cuda.Message, "--device cuda: CUDA is not available");
        var tpu = Assert.ThrowsExactly<CliUsageException>(() => DeviceOption.Parse("tpu"));
        StringAssert.StartsWith(tpu.Message, "--device tpu: Unknown device 'tpu'");
    }

    [TestMethod]
    public void EvaluateScoresEveryPairWithEachMetricAndNamesThemInJson()
    {
        CliTestData data = CliTestData.Create("evaluate", images: 4);
        string json = data.Out("evaluate.json");

        int exit = CliTestData.Run("evaluate", "--model", CliTestData.Model, "--dataset", data.Voc, "--method", "gradient", "center",
            "--metric", "pointing", "energy-pointing", "deletion", "insertion", "--json", json, "--limit", "2", "--tolerance", "10");

        Assert.AreEqual(0, exit);
        JsonObject scores = JsonNode.Parse(File.ReadAllText(json))!.AsObject();
        Assert.AreEqual(2, (int)scores["pairs"]!);
        CollectionAssert.AreEqual(new[] { "circle", "square", "triangle", "cross" }, scores["classes"]!.AsArray().Select(c => (string?)c).ToArray(), "classes.txt of the dataset");
        JsonArray results = scores["results"]!.AsArray();
        CollectionAssert.AreEqual(new[] { "gradient", "center" }, results.Select(r => (string?)r!["method"]).ToArray());
        JsonNode gradient = results[0]!["metrics"]!;
        JsonNode pointing = gradient["pointing"]!;
        Assert.AreEqual(2, (int)pointing["all"]!["hits"]! + (int)pointing["all"]!["misses"]!);
        Assert.IsNotNull(pointing["difficult"], "the dataset's pointing_difficult.txt gives the difficult subset");
        Assert.AreEqual(10.0, (double)pointing["tolerance"]!);
        Assert.IsTrue((double)gradient["energy-pointing"]!["meanEnergy"]! is >= 0 and <= 1);
        Assert.IsTrue((double)gradient["deletion"]!["meanAuc"]! is >= 0 and <= 1);
        Assert.IsTrue((double)gradient["insertion"]!["meanAuc"]! is >= 0 and <= 1);
        Assert.IsEmpty(results[0]!["errors"]!.AsArray());
        JsonNode center = results[1]!["metrics"]!;
        Assert.AreEqual(2, (int)center["pointing"]!["all"]!["hits"]! + (int)center["pointing"]!["all"]!["misses"]!);
    }

    [TestMethod]
    public void SanityRandomizationComparesEveryLayerAndClassSensitivityComparesTwoClasses()
    {
        CliTestData data = CliTestData.Create("sanity", images: 2);
        string randomization = data.Out("randomization.json"), sensitivity = data.Out("sensitivity.json");

        Assert.AreEqual(0, CliTestData.Run("sanity", "--model", CliTestData.Model, "--input", data.Images, "--method", "gradient",
            "--test", "randomization", "--json", randomization));
        Assert.AreEqual(0, CliTestData.Run("sanity", "--model", CliTestData.Model, "--input", data.Images, "--method", "gradient", "guided-backprop",
            "--test", "class-sensitivity", "--json", sensitivity));

        JsonObject random = JsonNode.Parse(File.ReadAllText(randomization))!.AsObject();
        Assert.AreEqual("randomization", (string?)random["test"]);
        JsonArray layers = random["results"]![0]!["layers"]!.AsArray();
        using (Network network = OnnxImporter.Load(CliTestData.Model))
            Assert.HasCount(network.Layers.Count(l => l.Parameters.Any(p => p.name == "weight")), layers);
        double first = (double)layers[0]!["metrics"]!["spearmanAbsolute"]!, last = (double)layers[^1]!["metrics"]!["spearmanAbsolute"]!;
        Assert.IsLessThan(first, last, "randomizing every layer moves the gradient map further from the trained model's than the top layer alone");

        JsonObject classes = JsonNode.Parse(File.ReadAllText(sensitivity))!.AsObject();
        JsonArray methods = classes["results"]!.AsArray();
        CollectionAssert.AreEqual(new[] { "gradient", "guided-backprop" }, methods.Select(m => (string?)m!["method"]).ToArray());
        foreach (JsonNode? method in methods)
        {
            Assert.AreEqual(2, (int)method!["images"]!);
            Assert.IsTrue((double)method["metrics"]!["ssim"]! is >= -1 and <= 1);
        }
        // A value the parser rejects is System.CommandLine's parse error (exit 1); mistakes found by the command itself exit 2.
        Assert.AreEqual(1, CliTestData.Run("sanity", "--model", CliTestData.Model, "--input", data.Images, "--test", "nonsense"));
        Assert.AreEqual(1, CliTestData.Run("evaluate", "--model", CliTestData.Model, "--dataset", data.Voc, "--tolerance", "0"),
            "a rejected tolerance is a one-line error, exit 1");
    }

    [TestMethod]
    public void MethodsListsEveryMethodWithItsOptions()
    {
        Assert.AreEqual(0, CliTestData.Run("methods"));
        StringAssert.Contains(global::Attribution.Cli.Commands.MethodsCommand.DescribeOptions("integrated-gradients"), "steps=32");
        StringAssert.Contains(global::Attribution.Cli.Commands.MethodsCommand.DescribeOptions("lrp-epsilon"), "composite=");
        StringAssert.Contains(global::Attribution.Cli.Commands.MethodsCommand.DescribeOptions("vargrad"), "samples=50");
        Assert.AreEqual("(none)", global::Attribution.Cli.Commands.MethodsCommand.DescribeOptions("gradient"));
    }

    [TestMethod]
    public void BenchTimesMethodsOnAModel()
    {
        CliTestData data = CliTestData.Create("bench", images: 1);
        string json = data.Out("bench.json");

        Assert.AreEqual(0, CliTestData.Run("bench", "--model", CliTestData.Model, "--method", "gradient", "lrp-epsilon", "--batch", "2", "--rounds", "1", "--iters", "2", "--no-torch", "--json", json));

        JsonArray results = JsonNode.Parse(File.ReadAllText(json))!["results"]!.AsArray();
        CollectionAssert.AreEqual(new[] { "gradient", "lrp-epsilon" }, results.Select(r => (string?)r!["method"]).ToArray());
        foreach (JsonNode? result in results)
        {
            Assert.AreEqual(64, (int)result!["size"]!, "the model's input size");
            Assert.IsGreaterThan(0.0, (double)result["medianSeconds"]!);
        }
    }

    /// <summary>numpy itself reads the file (Debian's python3-numpy, installed by eng/install-prerequisites.sh).</summary>
    private static void AssertNumpyReads(string path, string expected)
    {
        var start = new ProcessStartInfo("/usr/bin/python3", ["-c", $"import numpy; a = numpy.load({Quote(path)}); print(a.shape, a.dtype)"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using Process python = Process.Start(start)!;
        string output = python.StandardOutput.ReadToEnd().Trim();
        string error = python.StandardError.ReadToEnd();
        python.WaitForExit();
        Assert.AreEqual(0, python.ExitCode, error);
        Assert.AreEqual(expected, output);
    }

    private static string Quote(string text) => "'" + text.Replace("\\", "\\\\").Replace("'", "\\'") + "'";
}
