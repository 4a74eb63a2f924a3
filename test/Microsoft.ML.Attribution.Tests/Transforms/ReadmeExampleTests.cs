using System.Text.RegularExpressions;
using Microsoft.ML.Attribution.Persistence;
using Microsoft.ML.Attribution.Tests.Onnx;
using Microsoft.ML.Attribution.Transforms;
using Microsoft.ML.Transforms.Image;

namespace Microsoft.ML.Attribution.Tests.Transforms;

/// <summary>The pipeline example of docs/pipelines.md is this test's code: it is compiled and run here, and the guide must show it verbatim.</summary>
[TestClass]
public sealed partial class ReadmeExampleTests : TorchTest
{
    private static string Root => TorchvisionExportTests.RepositoryRoot();

    [TestMethod]
    public void TheReadmePipelineRunsOnTheBundledModelAndImages()
    {
        string previous = Directory.GetCurrentDirectory();
        Directory.SetCurrentDirectory(Path.Combine(Root, "src", "Samples", "assets"));   // the README's paths are relative to the assets
        try
        {
            Run();
        }
        finally
        {
            Directory.SetCurrentDirectory(previous);
        }
    }

    private static void Run()
    {
        string saved = Path.Combine(TransformFixtures.TempFolder("readme"), "pipeline.zip");
        ImageRow[] rows = Directory.GetFiles("shapes-voc/JPEGImages").Order().Take(4)
            .Select(path => new ImageRow { ImagePath = path, Label = 0, Boxes = [0, 0, 127, 127] }).ToArray();

        // README: begin
        var mlContext = new MLContext(seed: 1);
        IDataView data = mlContext.Data.LoadFromEnumerable(rows);          // ImagePath, Label, Boxes (in model-input pixels)
        var pipeline = mlContext.Transforms.LoadImages("Image", imageFolder: null, inputColumnName: "ImagePath")
            .Append(mlContext.Transforms.ResizeImages("Resized", 128, 128, "Image", ImageResizingEstimator.ResizingKind.Fill))
            .Append(mlContext.Transforms.ExtractPixels("Pixels", "Resized", scaleImage: 1 / 255f))
            .Append(mlContext.Transforms.NormalizePixels("input", "Pixels", mean: [0.444f, 0.447f, 0.445f], std: [0.187f, 0.187f, 0.187f]))
            .Append(mlContext.Transforms.ApplyOnnxModel("logits", "input", "models/shapes_vgg.onnx"))          // ONNX Runtime's forward
            .Append(mlContext.Transforms.Dmbp("Map", "input", "models/shapes_vgg.onnx", targetColumnName: "Label",
                options: new Dictionary<string, string> { ["iterations"] = "20" }))
            .Append(mlContext.Transforms.PointingGame("Pointing", "Map", "Boxes"));
        using var model = pipeline.Fit(data);                              // imports the model, checks every schema
        IDataView scored = model.Transform(data);                          // lazy; Dmbp runs one batched pass per mini-batch
        foreach (var row in mlContext.Data.CreateEnumerable<ExplainedRow>(scored, reuseRowObject: false))
            Console.WriteLine($"{row.ImagePath}: logit {row.MapLogit:F2}, hit {row.Pointing}, {row.MapError}");
        mlContext.Model.SaveWithAttribution(model, data.Schema, saved);   // ML.NET's parts, our options, the ONNX file
        // README: end

        ExplainedRow[] explained = mlContext.Data.CreateEnumerable<ExplainedRow>(scored, reuseRowObject: false).ToArray();
        Assert.HasCount(4, explained);
        Assert.IsTrue(explained.All(r => r.MapError == "" && r.Map.Length == 128 * 128 && r.Pointing));
        Assert.IsTrue(File.Exists(saved));
    }

    [TestMethod]
    public void TheReadmeShowsThisTestsCode()
    {
        string test = File.ReadAllText(Path.Combine(Root, "test", "Microsoft.ML.Attribution.Tests", "Transforms", "ReadmeExampleTests.cs"));
        string readme = File.ReadAllText(Path.Combine(Root, "docs", "pipelines.md"));
        Match code = Region().Match(test);
        Match shown = ReadmeBlock().Match(readme);
        Assert.IsTrue(code.Success && shown.Success, "docs/pipelines.md's pipeline block or this test's region is missing");
        Assert.AreEqual(Normalize(code.Groups[1].Value), Normalize(shown.Groups[1].Value), "docs/pipelines.md's pipeline example differs from ReadmeExampleTests");
    }

    private static string Normalize(string code) =>
        string.Join("\n", code.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0));

    [GeneratedRegex(@"// README: begin\r?\n(.*?)\s*// README: end", RegexOptions.Singleline)]
    private static partial Regex Region();

    [GeneratedRegex(@"# Pipelines[^\n]*\n.*?```csharp\r?\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex ReadmeBlock();

    public sealed class ImageRow
    {
        public string ImagePath { get; set; } = "";

        public int Label { get; set; }

        public float[] Boxes { get; set; } = [];
    }

    public sealed class ExplainedRow
    {
        public string ImagePath { get; set; } = "";

        public float[] Map { get; set; } = [];

        public float MapLogit { get; set; }

        public bool Pointing { get; set; }

        public string MapError { get; set; } = "";
    }
}
