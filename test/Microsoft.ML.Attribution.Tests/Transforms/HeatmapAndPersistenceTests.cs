using Microsoft.ML.Attribution.DataViews;
using Microsoft.ML.Data;
using Microsoft.ML.Attribution.Imaging;
using Microsoft.ML.Attribution.Persistence;
using TorchSharp;
using Microsoft.ML.Attribution.Tensors;
using Microsoft.ML.Attribution.Transforms;
using Microsoft.ML.Transforms.Image;
using static TorchSharp.torch;

namespace Microsoft.ML.Attribution.Tests.Transforms;

[TestClass]
public sealed class HeatmapAndPersistenceTests : TorchTest
{
    private readonly MLContext _context = new(seed: 1);

    private EstimatorChain<HeatmapTransformer> FullPipeline(string heatmapFolder, string? modelPath = null) =>
        _context.Transforms.CopyColumns("File", "Path")
            .Append(_context.Transforms.LoadImages("Original", null, "File"))
            .Append(_context.Transforms.ResizeImages("Image", 64, 64, "Original", ImageResizingEstimator.ResizingKind.Fill))
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

        SchemaShape shape = pipeline.GetOutputSchema(TestSchemas.Shape(data.Schema));
        using var model = pipeline.Fit(data);
        SchemaShape fitted = TestSchemas.Shape(model.Transform(data).Schema);

        CollectionAssert.AreEqual(fitted.Select(c => c.Name).ToArray(), shape.Select(c => c.Name).ToArray());
        foreach (SchemaShape.Column column in fitted)
        {
            SchemaShape.Column expected = TestSchemas.Find(shape, column.Name);
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
    public void SaveLoadRoundTripGivesIdenticalOutputsAndMlNetsOwnSaveSaysWhichCallToUse()
    {
        string folder = TransformFixtures.TempFolder("persist");
        string modelFolder = Path.Combine(folder, "model");
        Directory.CreateDirectory(modelFolder);
        File.Copy(TransformFixtures.ModelPath, Path.Combine(modelFolder, "small.onnx"));
        IDataView data = ShapeRows(folder, 5);
        var pipeline = FullPipeline(Path.Combine(folder, "heatmaps"), Path.Combine(modelFolder, "small.onnx"));
        string modelFile = Path.Combine(modelFolder, "pipeline.zip");

        List<float[]> maps;
        List<bool> hits;
        List<string> heatmaps;
        using (var model = pipeline.Fit(data))
        {
            IDataView output = model.Transform(data);
            maps = TransformFixtures.Vectors(output, "Map");
            hits = TransformFixtures.Column<bool>(output, "Pointing");
            heatmaps = TransformFixtures.Texts(output, "Heatmap");
            var refused = Assert.ThrowsExactly<NotSupportedException>(() => _context.Model.Save(model, data.Schema, Path.Combine(folder, "mlnet.zip")));
            StringAssert.Contains(refused.Message, "mlContext.Model.SaveWithAttribution(model, inputSchema, path)");
            _context.Model.SaveWithAttribution(model, data.Schema, modelFile);
        }

        // The ONNX file is embedded: the saved model survives the file's removal and a move of its folder.
        File.Delete(Path.Combine(modelFolder, "small.onnx"));
        string moved = Path.Combine(folder, "moved");
        Directory.Move(modelFolder, moved);
        using TransformerChain<ITransformer> loaded = _context.Model.LoadWithAttribution(Path.Combine(moved, "pipeline.zip"), out DataViewSchema inputSchema);
        CollectionAssert.AreEqual(data.Schema.Select(c => $"{c.Name}:{c.Type}").ToArray(), inputSchema.Select(c => $"{c.Name}:{c.Type}").ToArray());
        CollectionAssert.AreEqual(new[] { "ColumnCopyingTransformer", "ImageLoadingTransformer", "ImageResizingTransformer", "ImagePixelExtractingTransformer",
            "ExplainTransformer", "PointingGameTransformer", "HeatmapTransformer" }, loaded.Select(t => t.GetType().Name).ToArray());
        IDataView reloaded = loaded.Transform(data);
        Assert.AreEqual(0, TransformFixtures.MaxAbsDiff(maps, TransformFixtures.Vectors(reloaded, "Map")), "identical maps after loading");
        CollectionAssert.AreEqual(hits, TransformFixtures.Column<bool>(reloaded, "Pointing"));
        CollectionAssert.AreEqual(heatmaps, TransformFixtures.Texts(reloaded, "Heatmap"));
    }

    [TestMethod]
    public void ReferencedModelsAreCheckedByHash()
    {
        string folder = TransformFixtures.TempFolder("persist-ref");
        string onnx = Path.Combine(folder, "small.onnx");
        File.Copy(TransformFixtures.ModelPath, onnx);
        IDataView data = _context.Data.LoadFromEnumerable(TransformFixtures.StoredInputs().Inputs.Select(x => new PixelRow { Pixels = x }).ToArray());
        string modelFile = Path.Combine(folder, "explain.zip");
        using (ExplainTransformer explain = _context.Transforms.Explain("Map", "Pixels", onnx).Fit(data))
            _context.Model.SaveWithAttribution(explain, data.Schema, modelFile, embedModels: false);
        Assert.IsLessThan(new FileInfo(onnx).Length, new FileInfo(modelFile).Length, "the ONNX file is referenced, not copied");

        using (_context.Model.LoadWithAttribution(modelFile, out _))
        {
        }
        File.WriteAllBytes(onnx, File.ReadAllBytes(onnx).Concat(new byte[] { 0 }).ToArray());
        var changed = Assert.ThrowsExactly<InvalidDataException>(() => _context.Model.LoadWithAttribution(modelFile, out _));
        StringAssert.Contains(changed.Message, "changed since");
        File.Delete(onnx);
        var gone = Assert.ThrowsExactly<FileNotFoundException>(() => _context.Model.LoadWithAttribution(modelFile, out _));
        StringAssert.Contains(gone.Message, "which is gone");
    }

    [TestMethod]
    public void LoadingRejectsForeignFilesClearly()
    {
        string folder = TransformFixtures.TempFolder("persist-bad");
        string text = Path.Combine(folder, "text.zip");
        File.WriteAllText(text, "not a zip");
        string mlnet = Path.Combine(folder, "mlnet.zip");
        IDataView data = _context.Data.LoadFromEnumerable(new[] { new PathRow() });
        _context.Model.Save(_context.Transforms.CopyColumns("Copy", "Path").Fit(data), data.Schema, mlnet);

        StringAssert.Contains(Assert.ThrowsExactly<InvalidDataException>(() => _context.Model.LoadWithAttribution(text, out _)).Message, "not a zip file");
        StringAssert.Contains(Assert.ThrowsExactly<InvalidDataException>(() => _context.Model.LoadWithAttribution(mlnet, out _)).Message,
            "attribution-model.json");
        Assert.ThrowsExactly<FileNotFoundException>(() => _context.Model.LoadWithAttribution(Path.Combine(folder, "none.zip"), out _));
    }
}
