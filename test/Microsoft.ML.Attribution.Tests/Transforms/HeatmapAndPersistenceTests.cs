using System.Text.Json.Nodes;
using Microsoft.ML.Attribution.Data;
using Microsoft.ML.Attribution.Imaging;
using Microsoft.ML.Attribution.Torch;
using Microsoft.ML.Attribution.Transforms;
using static Microsoft.ML.Attribution.Torch.torch;

namespace Microsoft.ML.Attribution.Tests.Transforms;

[TestClass]
public sealed class HeatmapAndPersistenceTests : TorchTest
{
    private readonly AttributionContext _context = new(seed: 1);

    private EstimatorChain<HeatmapTransformer> FullPipeline(string heatmapFolder, string? modelPath = null) =>
        _context.Transforms.CopyColumns("File", "Path")
            .Append(_context.Transforms.LoadImages("Original", null, "File"))
            .Append(_context.Transforms.ResizeImages("Image", 64, 64, "Original", ResizingKind.Fill))
            .Append(_context.Transforms.ExtractPixels("Pixels", "Image", scaleImage: 1 / 255f))
            .Append(_context.Transforms.Explain(new ExplainOptions
            {
                OutputColumnName = "Map", InputColumnName = "Pixels", ModelPath = modelPath ?? TransformFixtures.ModelPath, Method = "integrated-gradients",
                MethodOptions = new() { ["steps"] = "4" }, TargetColumnName = "Label", BatchSize = 4,
            }))
            .Append(_context.Transforms.PointingGame("Pointing", "Map", "Boxes", tolerance: 10))
            .Append(_context.Transforms.Heatmap("Heatmap", "Map", heatmapFolder, imageColumnName: "Original", nameColumnName: "Path", fileSuffix: ".ig"));

    private IDataView ShapeRows(string folder, int count) =>
        _context.Data.LoadFromEnumerable(TransformFixtures.DrawShapes(folder, count, size: 96)
            .Select(s => new PathRow { Path = s.Path, Label = s.Class, Boxes = s.Box.Select(v => v * 64 / 96f).ToArray() }).ToArray());

    [TestMethod]
    public void TheWholeChainPropagatesShapesAsTheFittedSchemaHasThem()
    {
        string folder = TransformFixtures.TempFolder("shapes");
        IDataView data = ShapeRows(folder, 1);
        var pipeline = FullPipeline(Path.Combine(folder, "out"));

        SchemaShape shape = pipeline.GetOutputSchema(SchemaShape.Create(data.Schema));
        using var model = pipeline.Fit(data);
        SchemaShape fitted = SchemaShape.Create(model.Transform(data).Schema);

        CollectionAssert.AreEqual(fitted.Select(c => c.Name).ToArray(), shape.Select(c => c.Name).ToArray());
        foreach (SchemaShape.Column column in fitted)
        {
            Assert.IsTrue(shape.TryFindColumn(column.Name, out SchemaShape.Column expected));
            Assert.AreEqual(column.Kind, expected.Kind, column.Name);
            Assert.AreEqual(column.IsKey, expected.IsKey, column.Name);
            // Shapes carry no sizes: an image column loaded from files has unknown size until it is resized.
            if (column.ItemType is ImageDataViewType)
                Assert.IsInstanceOfType<ImageDataViewType>(expected.ItemType, column.Name);
            else
                Assert.AreEqual(column.ItemType, expected.ItemType, column.Name);
        }
        CollectionAssert.IsSubsetOf(new[] { "Map", "MapTarget", "MapLogit", "MapError", "Pointing", "PointingMaxPoint", "PointingError", "Heatmap", "HeatmapError" },
            shape.Select(c => c.Name).ToArray());
    }

    [TestMethod]
    public void HeatmapsAreWrittenOverTheOriginalImages()
    {
        string folder = TransformFixtures.TempFolder("heatmap");
        IDataView data = ShapeRows(folder, 3);
        using var model = FullPipeline(Path.Combine(folder, "out")).Fit(data);
        IDataView output = model.Transform(data);

        List<string> files = TransformFixtures.Texts(output, "Heatmap");
        Assert.IsTrue(TransformFixtures.Texts(output, "HeatmapError").All(e => e == ""));
        for (int i = 0; i < files.Count; i++)
        {
            Assert.AreEqual(Path.Combine(folder, "out", $"shape_{i:D3}.ig.png"), files[i]);
            using Tensor image = ImageIO.Load(files[i]);
            CollectionAssert.AreEqual(new long[] { 96, 96, 3 }, image.shape, "the overlay has the original image's size");
        }
    }

    [TestMethod]
    public void HeatmapRowsWithoutAMapReportWhy()
    {
        string folder = TransformFixtures.TempFolder("heatmap-bad");
        float[] nan = new float[100];
        nan[3] = float.NaN;
        IDataView data = _context.Data.LoadFromEnumerable(new[] { new MapRow { Map = nan }, new MapRow { Map = Enumerable.Range(0, 100).Select(v => (float)v).ToArray() } });
        IDataView output = _context.Transforms.Heatmap("Heatmap", "Map", folder).Fit(data).Transform(data);

        List<string> errors = TransformFixtures.Texts(output, "HeatmapError");
        List<string> files = TransformFixtures.Texts(output, "Heatmap");
        StringAssert.StartsWith(errors[0], "Missing map: ");
        Assert.AreEqual("", files[0]);
        Assert.AreEqual(Path.Combine(folder, "row-00001.png"), files[1]);
        Assert.IsTrue(File.Exists(files[1]));
    }

    [TestMethod]
    public void SaveLoadRoundTripGivesIdenticalOutputs()
    {
        string folder = TransformFixtures.TempFolder("persist");
        string modelFolder = Path.Combine(folder, "model");
        Directory.CreateDirectory(modelFolder);
        File.Copy(TransformFixtures.ModelPath, Path.Combine(modelFolder, "small.onnx"));
        IDataView data = ShapeRows(folder, 5);
        var pipeline = FullPipeline(Path.Combine(modelFolder, "heatmaps"), Path.Combine(modelFolder, "small.onnx"));
        string modelFile = Path.Combine(modelFolder, "pipeline.json");

        List<float[]> maps;
        List<bool> hits;
        using (var model = pipeline.Fit(data))
        {
            IDataView output = model.Transform(data);
            maps = TransformFixtures.Vectors(output, "Map");
            hits = TransformFixtures.Column<bool>(output, "Pointing");
            _context.Model.Save(model, data.Schema, modelFile);
        }

        JsonObject saved = JsonNode.Parse(File.ReadAllText(modelFile))!.AsObject();
        Assert.AreEqual("microsoft-ml-attribution-model", (string?)saved["format"]);
        JsonArray steps = saved["model"]!["properties"]!["steps"]!.AsArray();
        CollectionAssert.AreEqual(new[] { "CopyColumns", "LoadImages", "ResizeImages", "ExtractPixels", "Explain", "PointingGame", "Heatmap" },
            steps.Select(s => (string?)s!["kind"]).ToArray());
        Assert.AreEqual("small.onnx", (string?)steps[4]!["properties"]!["modelPath"], "the ONNX file beside the model file is referenced relatively");

        // Move the folder: relative references keep working.
        string moved = Path.Combine(folder, "moved");
        Directory.Move(modelFolder, moved);
        using var loaded = (IDisposable)_context.Model.Load(Path.Combine(moved, "pipeline.json"), out DataViewSchema? inputSchema);
        var transformer = (ITransformer)loaded;
        Assert.IsNotNull(inputSchema);
        CollectionAssert.AreEqual(data.Schema.Select(c => $"{c.Name}:{c.Type}").ToArray(), inputSchema.Select(c => $"{c.Name}:{c.Type}").ToArray());
        IDataView reloaded = transformer.Transform(data);
        Assert.AreEqual(0, TransformFixtures.MaxAbsDiff(maps, TransformFixtures.Vectors(reloaded, "Map")), "identical maps after loading");
        CollectionAssert.AreEqual(hits, TransformFixtures.Column<bool>(reloaded, "Pointing"));
        Assert.IsTrue(TransformFixtures.Texts(reloaded, "Heatmap").All(p => p.StartsWith(Path.Combine(moved, "heatmaps"), StringComparison.Ordinal)));
    }

    [TestMethod]
    public void LoadingRejectsUnknownKindsAndForeignFilesClearly()
    {
        string folder = TransformFixtures.TempFolder("persist-bad");
        string unknown = Path.Combine(folder, "unknown.json");
        File.WriteAllText(unknown, """{"format": "microsoft-ml-attribution-model", "formatVersion": 1, "model": {"kind": "Frobnicate", "version": 1, "properties": {}}}""");
        string foreign = Path.Combine(folder, "foreign.json");
        File.WriteAllText(foreign, """{"hello": 1}""");

        var kind = Assert.ThrowsExactly<InvalidDataException>(() => _context.Model.Load(unknown, out _));
        StringAssert.Contains(kind.Message, "Unknown transformer kind 'Frobnicate'");
        StringAssert.Contains(kind.Message, "Explain");
        var format = Assert.ThrowsExactly<InvalidDataException>(() => _context.Model.Load(foreign, out _));
        StringAssert.StartsWith(format.Message, "Not a model file");
    }
}
