using System.Diagnostics;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Attribution.Cli.Report;

namespace Microsoft.ML.Attribution.Tests.Cli;

/// <summary>The report (what `attribution` without arguments writes), checked in a real browser: Debian's headless chromium.</summary>
[TestClass]
public sealed partial class CliReportTests : TorchTest
{
    [TestMethod]
    public void ReportShowsEveryImageInABrowserAndHasNoBrokenLinks()
    {
        CliTestData data = CliTestData.Create("report", images: 6);
        string output = data.Out("report");

        int exit = CliTestData.Run("report", "--models", data.ModelSet, "--dataset", data.Voc, "--method", "gradient", "guided-backprop",
            "--out", output, "--limit", "6", "--show", "4", "--tolerance", "10");

        Assert.AreEqual(0, exit);
        string report = Path.Combine(output, "report.html");
        string html = File.ReadAllText(report);

        // Every <img> and <a href> points at something that exists.
        string[] images = ImageSource().Matches(html).Select(m => m.Groups[1].Value).ToArray();
        Assert.HasCount(4 * (1 + 2 * 3), images, "4 images: each the original, and per method the map, the overlay and the colour bar");
        // The layout: per image the original first, then per method map, overlay (with the pointing game's point when scored) and colour bar.
        string[] rows = html.Split("<div class=\"image-row\"").Skip(1).ToArray();
        Assert.HasCount(4, rows);
        foreach (string row in rows)
        {
            int original = row.IndexOf("class=\"original\"", StringComparison.Ordinal);
            Assert.IsTrue(original >= 0 && original < row.IndexOf("data-method=", StringComparison.Ordinal), "the image comes before the maps");
            foreach (string method in new[] { "gradient", "guided-backprop" })
            {
                string figure = row[row.IndexOf($"data-method=\"{method}\"", StringComparison.Ordinal)..];
                figure = figure[..figure.IndexOf("</figure>", StringComparison.Ordinal)];
                Assert.IsTrue(figure.IndexOf("class=\"map\"", StringComparison.Ordinal) < figure.IndexOf("class=\"overlay\"", StringComparison.Ordinal), $"{method}: map, then overlay");
                StringAssert.Contains(figure, "class=\"colorbar\"", $"{method}: colour bar");
                Assert.IsTrue(MarkerHitOrMiss().IsMatch(figure), $"{method}: the pointing game's point is marked as a hit or a miss");
            }
        }
        foreach (string href in LinkTarget().Matches(html).Select(m => m.Groups[1].Value))
        {
            if (href.StartsWith('#'))
                StringAssert.Contains(html, $"id=\"{href[1..]}\"", $"anchor {href}");
            else
                Assert.IsTrue(File.Exists(Path.Combine(output, Uri.UnescapeDataString(href))), $"link {href}");
        }

        // In the browser: the page's own script marks each image loaded or broken once the page has loaded.
        string dom = DumpDom(report);
        StringAssert.Contains(dom, "data-images-broken=\"0\"", "no image failed to load");
        StringAssert.Contains(dom, $"data-images-loaded=\"{images.Length}\"");
        Assert.AreEqual(images.Length, LoadedImage().Matches(dom).Count);

        JsonObject results = JsonNode.Parse(File.ReadAllText(Path.Combine(output, "results.json")))!.AsObject();
        JsonNode model = results["models"]![0]!;
        Assert.AreEqual("small", (string?)model["model"]);
        CollectionAssert.AreEqual(new[] { "gradient", "guided-backprop", "center" }, model["results"]!.AsArray().Select(r => (string?)r!["method"]).ToArray());
        foreach (JsonNode? method in model["results"]!.AsArray())
        {
            JsonNode all = method!["metrics"]!["pointing"]!["all"]!;
            Assert.AreEqual(6, (int)all["hits"]! + (int)all["misses"]!, "one pair per image");
        }
        StringAssert.Contains(html, "Pointing game");
    }

    [GeneratedRegex("class=\"marker (hit|miss)\"[^>]*style=\"left: [0-9.]+%; top: [0-9.]+%\"")]
    private static partial Regex MarkerHitOrMiss();

    [TestMethod]
    public void ReportRunsOnTheBundledDefaultModelsAndSample()
    {
        // What the README's main command does (no --models/--dataset: src/Samples/assets), on 4 images and with
        // DMBP shortened so the test stays quick; the seed methods must run on both default models without failures.
        string output = Transforms.TransformFixtures.TempFolder("default-report");
        int exit = CliTestData.Run("report", "--out", output, "--limit", "4", "--show", "2", "--method", "gradient", "dmbp", "rsp", "clrp",
            "--option", "dmbp.iterations=5");
        Assert.AreEqual(0, exit);
        JsonObject results = JsonNode.Parse(File.ReadAllText(Path.Combine(output, "results.json")))!.AsObject();
        CollectionAssert.AreEqual(new[] { "shapes_vgg", "shapes_resnet" }, results["models"]!.AsArray().Select(m => (string?)m!["model"]).ToArray());
        foreach (JsonNode? model in results["models"]!.AsArray())
        {
            Assert.AreEqual(4, (int)model!["images"]!);
            foreach (JsonNode? method in model["results"]!.AsArray())
            {
                Assert.AreEqual(0, method!["errors"]!.AsArray().Count, $"{model["model"]} {method["method"]}: no failed pairs");
                JsonNode all = method["metrics"]!["pointing"]!["all"]!;
                Assert.AreEqual((int)model["pairs"]!, (int)all["hits"]! + (int)all["misses"]!, $"{model["model"]} {method["method"]}: every pair scored");
            }
        }
        Assert.IsTrue(File.Exists(Path.Combine(output, "report.html")));
    }

    [TestMethod]
    public void ModelSetFilesInSeveralLayoutsAreRead()
    {
        string folder = Transforms.TransformFixtures.TempFolder("model-set");
        string list = Path.Combine(folder, "list.json");
        File.WriteAllText(list, """{"class_names": ["a", "b"], "image_size": [3, 96, 96], "mean": [123.675, 116.28, 103.53], "models": [{"name": "vgg", "file": "shapes_vgg.onnx"}, {"path": "sub/res.onnx", "input_size": 128}]}""");
        string keyed = Path.Combine(folder, "keyed.json");
        File.WriteAllText(keyed, """{"classes": ["a"], "models": {"shapes_vgg": {"onnx": "v.onnx", "std": [0.5, 0.5, 0.5]}, "shapes_resnet": "r.onnx"}}""");

        IReadOnlyList<ModelSpec> fromList = ModelSetFile.Load(list);
        Assert.AreEqual("vgg", fromList[0].Name);
        Assert.AreEqual(Path.Combine(folder, "shapes_vgg.onnx"), fromList[0].OnnxPath);
        Assert.AreEqual(96, fromList[0].Size);
        Assert.AreEqual(0.485f, fromList[0].Mean![0], 1e-4, "0–255 means are converted to [0,1] units");
        Assert.AreEqual("res", fromList[1].Name);
        Assert.AreEqual(128, fromList[1].Size);
        CollectionAssert.AreEqual(new[] { "a", "b" }, fromList[1].Classes!.ToArray());

        IReadOnlyList<ModelSpec> fromKeys = ModelSetFile.Load(keyed);
        CollectionAssert.AreEqual(new[] { "shapes_vgg", "shapes_resnet" }, fromKeys.Select(s => s.Name).ToArray());
        Assert.AreEqual(Path.Combine(folder, "r.onnx"), fromKeys[1].OnnxPath);
        Assert.AreEqual(0.5f, fromKeys[0].Std![2]);
    }

    private static string DumpDom(string htmlFile)
    {
        string chromium = new[] { "/usr/bin/chromium", "/usr/bin/chromium-browser" }.FirstOrDefault(File.Exists)
            ?? throw new AssertFailedException("chromium is not installed; run eng/install-prerequisites.sh (it installs Debian's chromium).");
        var start = new ProcessStartInfo(chromium, ["--headless", "--disable-gpu", "--no-sandbox", "--allow-file-access-from-files",
            "--virtual-time-budget=10000", "--dump-dom", new Uri(htmlFile).AbsoluteUri])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using Process browser = Process.Start(start)!;
        Task<string> error = browser.StandardError.ReadToEndAsync();
        string dom = browser.StandardOutput.ReadToEnd();
        if (!browser.WaitForExit(120_000))
        {
            browser.Kill(entireProcessTree: true);
            Assert.Fail("chromium did not finish within 2 minutes");
        }
        Assert.AreEqual(0, browser.ExitCode, error.Result);
        return dom;
    }

    [GeneratedRegex("<img src=\"([^\"]+)\"")]
    private static partial Regex ImageSource();

    [GeneratedRegex("<a href=\"([^\"]+)\"")]
    private static partial Regex LinkTarget();

    [GeneratedRegex("data-loaded=\"true\"")]
    private static partial Regex LoadedImage();
}
