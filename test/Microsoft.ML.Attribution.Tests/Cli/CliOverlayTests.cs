using System.Text.Json.Nodes;
using Attribution.Cli.Report;
using Microsoft.ML.Attribution.Imaging;
using Microsoft.ML.Attribution.Maps;
using TorchSharp;
using Microsoft.ML.Attribution.Tensors;
using static TorchSharp.torch;

namespace Microsoft.ML.Attribution.Tests.Cli;

/// <summary>
/// Overlays people can read (issue 18): `attribution explain` on the bundled samples, a signed and an unsigned method. Where the map's
/// magnitude is below 5 % of its clipped maximum the overlay keeps the image's own colour (within 8/255 per channel); where it is large
/// the map shows; a signed map is drawn blue–white–red with symmetric limits, an unsigned one from zero.
/// </summary>
[TestClass]
public sealed class CliOverlayTests : TorchTest
{
    [TestMethod]
    [DataRow("gradient-x-input", true)]
    [DataRow("gradcam", false)]
    public void Near_zero_attribution_leaves_the_image_as_it_is(string method, bool signed)
    {
        string assets = SampleAssets.Locate() ?? throw new AssertFailedException("the bundled sample assets were not found");
        string model = Path.Combine(assets, "models", "shapes_vgg.onnx");
        string[] images = Directory.GetFiles(Path.Combine(assets, "shapes-voc", "JPEGImages"), "*.png").Order(StringComparer.Ordinal).Take(3).ToArray();
        string output = Transforms.TransformFixtures.TempFolder("overlay-" + method);
        Assert.AreEqual(0, Cli.CliTestData.Run(["explain", "--model", model, "--input", .. images, "--method", method, "--out", output, "--npy",
            "--mean", "0.444,0.447,0.445", "--std", "0.187,0.187,0.187"]));
        JsonObject results = JsonNode.Parse(File.ReadAllText(Path.Combine(output, "results.json")))!.AsObject();

        foreach (string image in images)
        {
            string stem = Path.GetFileNameWithoutExtension(image);
            JsonNode entry = FindEntry(results, stem, method);
            Assert.AreEqual(signed ? "BlueWhiteRed" : "Jet", (string?)entry["colormap"], $"{stem}: colormap");
            double low = (double)entry["colorLimits"]![0]!, high = (double)entry["colorLimits"]![1]!;
            Assert.IsGreaterThan(0.0, high, $"{stem}: a limit above zero");
            Assert.AreEqual(signed ? -high : 0, low, 1e-12 * high, $"{stem}: {(signed ? "symmetric limits" : "unsigned maps start at zero")}");

            using DisposeScope scope = NewDisposeScope();
            Tensor raw = Npy.Load(Path.Combine(output, (string)entry["npy"]!));
            Tensor reduced = MapReduction.Reduce(raw, ChannelReductionDefaults.For(method))[0];
            int height = (int)reduced.shape[0], width = (int)reduced.shape[1];
            ScaledMap scaled = new HeatmapStyle().Scale(reduced.contiguous().ToArray<float>());
            Tensor original = ImageIO.Load(image).to(ScalarType.Int32);
            Tensor overlay = ImageIO.Load(Path.Combine(output, (string)entry["overlay"]!)).to(ScalarType.Int32);
            CollectionAssert.AreEqual(original.shape, overlay.shape, $"{stem}: the overlay has the image's size");
            // |map| relative to the clipped maximum, at the image's size (the overlay resizes the map the same way).
            Tensor magnitude = ImageResize.Resize(tensor(scaled.Values, [height, width]), (int)original.shape[0], (int)original.shape[1]).abs();
            Tensor quiet = magnitude.lt(0.05), loud = magnitude.gt(0.5);
            long quietCount = quiet.sum().ItemAs<long>(), loudCount = loud.sum().ItemAs<long>();
            Assert.IsGreaterThan(0L, quietCount, $"{stem}: some pixels have a near-zero map");
            Assert.IsGreaterThan(0L, loudCount, $"{stem}: some pixels have a large map");
            Tensor change = (overlay - original).abs().amax(2);
            int quietChange = change.masked_select(quiet).max().ItemAs<int>();
            Assert.IsLessThanOrEqualTo(8, quietChange, $"{stem}: a near-zero map changed the image's colour by {quietChange}/255");
            double loudChange = change.masked_select(loud).to(ScalarType.Float64).mean().ItemAs<double>();
            Assert.IsGreaterThan(40.0, loudChange, $"{stem}: where the map is large it shows (mean change {loudChange:F1}/255)");
        }
    }

    private static JsonNode FindEntry(JsonObject results, string stem, string method)
    {
        foreach (JsonNode? item in results["items"]!.AsArray())
            if ((string?)item!["name"] == stem)
                return item["results"]![method] ?? throw new AssertFailedException($"{stem}: no {method} entry");
        throw new AssertFailedException($"{stem}: not in results.json");
    }
}
