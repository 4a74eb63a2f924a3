using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.ML.Attribution.Datasets;
using Microsoft.ML.Attribution.Graph;
using Microsoft.ML.Attribution.Imaging;
using Microsoft.ML.Attribution.Maps;
using Microsoft.ML.Attribution.Methods;
using Microsoft.ML.Attribution.Onnx;
using Microsoft.ML.Attribution.Tests.Benchmark;
using Microsoft.ML.Attribution.Tests.Transforms;
using TorchSharp;
using Microsoft.ML.Attribution.Tensors;
using static TorchSharp.torch;

namespace Microsoft.ML.Attribution.Tests.Cli;

/// <summary>
/// Each verb end to end, in-process, on the bundled default models (src/Samples/assets/models) and the bundled sample
/// (src/Samples/assets/shapes-voc) with the preprocessing shapes_models.json states — what a user of the README runs.
/// </summary>
[TestClass]
public sealed class CliDefaultModelTests : TorchTest
{
    private static readonly string Vgg = Path.Combine(ShapesBenchmark.ModelsFolder, "shapes_vgg.onnx");
    private static readonly string ResNet = Path.Combine(ShapesBenchmark.ModelsFolder, "shapes_resnet.onnx");

    /// <summary>--mean and --std as the models were trained with.</summary>
    private static string[] Preprocessing()
    {
        JsonElement json = ShapesBenchmark.ReadModelsJson();
        string Join(string name) => string.Join(',', json.GetProperty(name).EnumerateArray().Select(v => v.GetDouble().ToString(CultureInfo.InvariantCulture)));
        return ["--mean", Join("mean"), "--std", Join("std")];
    }

    private static AnnotatedDataset Sample() =>
        PascalVocReader.Read(ShapesBenchmark.SampleFolder, "test", ShapesBenchmark.ReadClasses(ShapesBenchmark.SampleFolder));

    [TestMethod]
    [DataRow("shapes_vgg")]
    [DataRow("shapes_resnet")]
    public void ExplainOnTheDefaultModelExplainsAPresentClassAndItsRawMapsAreTheMethodsOwn(string model)
    {
        string onnx = model == "shapes_vgg" ? Vgg : ResNet;
        AnnotatedDataset sample = Sample();
        string[] images = sample.Images.Take(4).Select(i => i.Path).ToArray();
        string output = TransformFixtures.TempFolder("default-explain-" + model);

        int exit = CliTestData.Run([
            "explain", "--model", onnx, "--input", .. images, "--method", "gradient", "rsp", "--npy", "--out", output, .. Preprocessing()]);

        Assert.AreEqual(0, exit);
        JsonArray items = JsonNode.Parse(File.ReadAllText(Path.Combine(output, "results.json")))!["items"]!.AsArray();
        Assert.HasCount(4, items);
        using Network network = OnnxImporter.Load(onnx);
        using IAttributionMethod gradient = MethodRegistry.Create("gradient", network);
        for (int i = 0; i < images.Length; i++)
        {
            string stem = Path.GetFileNameWithoutExtension(images[i]);
            var present = sample.Images[i].Objects.Select(o => sample.ClassIndex(o.ClassName)).ToHashSet();
            foreach (string method in new[] { "gradient", "rsp" })
            {
                JsonNode entry = items[i]!["results"]![method]!;
                Assert.IsNull(entry["error"], $"{stem} {method}");
                Assert.Contains((int)entry["target"]!, present, $"{stem}: the top-1 class is one the image holds");
                using Tensor overlay = ImageIO.Load(Path.Combine(output, $"{stem}.{method}.png"));
                CollectionAssert.AreEqual(new long[] { 128, 128, 3 }, overlay.shape);
            }

            // The raw map equals the method run directly on the same pixels. The input is rebuilt with ExtractPixels' float
            // arithmetic ((p · 1/255 − mean) / std): a one-ulp difference can flip a max-pool tie and move the VGG's gradient.
            using DisposeScope scope = NewDisposeScope();
            Tensor raw = Npy.Load(Path.Combine(output, $"{stem}.gradient.npy"));
            CollectionAssert.AreEqual(new long[] { 1, 3, 128, 128 }, raw.shape);
            Assert.AreEqual(ScalarType.Float32, raw.dtype);
            using AttributionMap expected = gradient.Attribute(ExtractPixels(images[i]), Target.Class((int)items[i]!["results"]!["gradient"]!["target"]!));
            AssertClose(expected.Map, raw, 1e-5 * expected.Map.abs().max().ItemAs<float>(), $"{stem}: explain --npy holds the raw gradient");
        }
    }

    private static Tensor ExtractPixels(string imagePath)
    {
        JsonElement json = ShapesBenchmark.ReadModelsJson();
        float[] mean = json.GetProperty("mean").EnumerateArray().Select(v => v.GetSingle()).ToArray();
        float[] std = json.GetProperty("std").EnumerateArray().Select(v => v.GetSingle()).ToArray();
        using Tensor image = ImageIO.Load(imagePath);
        int height = (int)image.shape[0], width = (int)image.shape[1];
        byte[] pixels = image.contiguous().ToArray<byte>();
        var planes = new float[3 * height * width];
        for (int c = 0; c < 3; c++)
            for (int p = 0; p < height * width; p++)
                planes[c * height * width + p] = (pixels[p * 3 + c] * (1f / 255f) - mean[c]) / std[c];
        return tensor(planes, [1, 3, height, width]);
    }

    [TestMethod]
    public void EvaluateOnTheDefaultModelRanksMethodsAboveTheCenterBaselineAndInsertionAboveDeletion()
    {
        AnnotatedDataset sample = Sample();
        string json = Path.Combine(TransformFixtures.TempFolder("default-evaluate"), "evaluate.json");

        int exit = CliTestData.Run([
            "evaluate", "--model", Vgg, "--dataset", ShapesBenchmark.SampleFolder, "--method", "center", "gradient", "gradcam",
            "--metric", "pointing", "deletion", "insertion", "--limit", "8", "--json", json, .. Preprocessing()]);

        Assert.AreEqual(0, exit);
        JsonObject scores = JsonNode.Parse(File.ReadAllText(json))!.AsObject();
        int pairs = sample.Images.Take(8).Sum(i => i.Objects.Select(o => o.ClassName).Distinct().Count());
        Assert.AreEqual(pairs, (int)scores["pairs"]!, "one pair per (image, present class)");
        Dictionary<string, JsonNode> metrics = scores["results"]!.AsArray().ToDictionary(r => (string)r!["method"]!, r => r!["metrics"]!);
        double Pointing(string method) => (double)metrics[method]["pointing"]!["all"]!["meanAccuracy"]!;
        Assert.IsGreaterThan(Pointing("center"), Pointing("gradient"));
        Assert.IsGreaterThan(Pointing("center"), Pointing("gradcam"));
        foreach (string method in new[] { "gradient", "gradcam" })
        {
            double deletion = (double)metrics[method]["deletion"]!["meanAuc"]!, insertion = (double)metrics[method]["insertion"]!["meanAuc"]!;
            Assert.IsGreaterThan(deletion, insertion, $"{method}: removing the most relevant pixels first hurts the class more than adding them first helps it");
        }
    }

    [TestMethod]
    public void SanityOnTheDefaultModelRandomizationDecaysAndClassSensitivityIsReported()
    {
        string folder = TransformFixtures.TempFolder("default-sanity");
        string[] images = Sample().Images.Take(2).Select(i => i.Path).ToArray();
        string randomization = Path.Combine(folder, "randomization.json"), sensitivity = Path.Combine(folder, "sensitivity.json");

        Assert.AreEqual(0, CliTestData.Run([
            "sanity", "--model", Vgg, "--input", .. images, "--method", "gradient", "--test", "randomization", "--json", randomization, .. Preprocessing()]));
        Assert.AreEqual(0, CliTestData.Run([
            "sanity", "--model", Vgg, "--input", .. images, "--method", "gradient", "clrp", "--test", "class-sensitivity", "--json", sensitivity, .. Preprocessing()]));

        JsonArray layers = JsonNode.Parse(File.ReadAllText(randomization))!["results"]![0]!["layers"]!.AsArray();
        using (Network network = OnnxImporter.Load(Vgg))
            Assert.HasCount(network.Layers.Count(l => l.Parameters.Any(p => p.name == "weight")), layers, "one step per layer with weights");
        double first = (double)layers[0]!["metrics"]!["spearmanAbsolute"]!, last = (double)layers[^1]!["metrics"]!["spearmanAbsolute"]!;
        Assert.IsLessThan(first, last, "the fully randomized model's gradient map is further from the trained one's than after the top layer alone");
        Assert.IsLessThan(0.5, last, "a fully randomized VGG's gradient no longer resembles the trained one's");

        JsonArray methods = JsonNode.Parse(File.ReadAllText(sensitivity))!["results"]!.AsArray();
        CollectionAssert.AreEqual(new[] { "gradient", "clrp" }, methods.Select(m => (string?)m!["method"]).ToArray());
        foreach (JsonNode? method in methods)
        {
            Assert.AreEqual(2, (int)method!["images"]!);
            Assert.IsTrue((double)method["metrics"]!["ssim"]! is >= -1 and <= 1);
        }
    }

    [TestMethod]
    public void StudyOnTheDefaultModelTakesImagesThroughThePreprocessingAndShowsTheClaimedDirections()
    {
        string folder = TransformFixtures.TempFolder("default-study");
        AnnotatedDataset sample = Sample();
        const int Images = 4;
        string[] images = sample.Images.Take(Images).Select(i => i.Path).ToArray();
        string json = Path.Combine(folder, "study.json"), markdown = Path.Combine(folder, "study.md");
        string[] names = ["gradient", "guided-backprop-positive", "lrp-z-plus", "clrp-dual1"];

        Assert.AreEqual(0, CliTestData.Run([
            "study", "--model", Vgg, "--input", .. images, "--variant", .. names, "--no-randomization",
            "--json", json, "--markdown", markdown, .. Preprocessing()]));

        JsonObject study = JsonNode.Parse(File.ReadAllText(json))!.AsObject();
        Assert.AreEqual(Images, (int)study["images"]!);
        JsonArray variants = study["class_sensitivity"]!.AsArray();
        CollectionAssert.AreEqual(names, variants.Select(v => (string?)v!["variant"]).ToArray());
        foreach (JsonNode? variant in variants)
        {
            int[] top = variant!["top_classes"]!.AsArray().Select(t => (int)t!).ToArray();
            for (int i = 0; i < Images; i++)
                Assert.Contains(top[i], sample.Images[i].Objects.Select(o => sample.ClassIndex(o.ClassName)).ToHashSet(), "the preprocessed images are classified as what they hold");
            Assert.IsTrue((double)variant["mean"]!["ssim"]! is >= -1 and <= 1);
        }
        // The directions of methods.md §8 claims 16 and 17 on the default model (docs/results/study-shapes_vgg.md has all of them
        // on 16 images): CLRP's two class maps are less alike than LRP-z+'s; Guided BP's and LRP-z+'s more alike than the gradient's.
        double Spearman(string name) => (double)variants.First(v => (string?)v!["variant"] == name)!["mean"]!["spearman"]!;
        Assert.IsLessThan(Spearman("lrp-z-plus"), Spearman("clrp-dual1"), "claim 16");
        Assert.IsGreaterThan(Spearman("gradient"), Spearman("guided-backprop-positive"), "claim 17");
        Assert.IsGreaterThan(Spearman("gradient"), Spearman("lrp-z-plus"), "claim 17");
        StringAssert.Contains(File.ReadAllText(markdown), "clrp-dual1");

        Assert.AreEqual(2, CliTestData.Run(["study", "--model", Vgg, "--input", Path.Combine(folder, "missing.png"), .. Preprocessing()]),
            "a missing input is a usage error");
    }

    [TestMethod]
    public void BenchOnTheDefaultModelTimesAtItsInputSize()
    {
        string json = Path.Combine(TransformFixtures.TempFolder("default-bench"), "bench.json");

        Assert.AreEqual(0, CliTestData.Run("bench", "--model", Vgg, "--method", "gradient", "gradcam", "--batch", "2", "--rounds", "1", "--iters", "1", "--no-torch", "--json", json));

        JsonArray results = JsonNode.Parse(File.ReadAllText(json))!["results"]!.AsArray();
        CollectionAssert.AreEqual(new[] { "gradient", "gradcam" }, results.Select(r => (string?)r!["method"]).ToArray());
        foreach (JsonNode? result in results)
        {
            Assert.AreEqual(128, (int)result!["size"]!, "the default models take 128×128 inputs");
            Assert.IsGreaterThan(0.0, (double)result["medianSeconds"]!);
        }
    }
}
