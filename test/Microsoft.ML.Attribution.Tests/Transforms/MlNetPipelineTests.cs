using Microsoft.ML.Attribution.Graph;
using Microsoft.ML.Attribution.Onnx;
using Microsoft.ML.Attribution.Tests.Onnx;
using Microsoft.ML.Attribution.Transforms;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms.Image;

namespace Microsoft.ML.Attribution.Tests.Transforms;

/// <summary>Our transforms inside real ML.NET pipelines: image transforms, ONNX Runtime, Concatenate, a trainer, PredictionEngine.</summary>
[TestClass]
public sealed class MlNetPipelineTests : TorchTest
{
    private readonly MLContext _context = new(seed: 1);

    private static string InputName(string modelPath)
    {
        using Network network = OnnxImporter.Load(modelPath);
        return network.Inputs[0].Name;
    }

    private static string LogitsName(string modelPath)
    {
        using Network network = OnnxImporter.Load(modelPath);
        return network.OutputNames[0];
    }

    private (IDataView Data, IReadOnlyList<(string Path, int Class, float[] Box)> Shapes) ShapeRows(string name, int count)
    {
        var shapes = TransformFixtures.DrawShapes(TransformFixtures.TempFolder(name), count);
        IDataView data = _context.Data.LoadFromEnumerable(shapes.Select(s => new TrainingRow { Path = s.Path, Label = s.Class, Boxes = s.Box, IsCircle = s.Class == 0 }).ToArray());
        return (data, shapes);
    }

    [TestMethod]
    public void AMixedPipelineFitsTransformsTrainsAndServesPredictionEngine()
    {
        (IDataView data, _) = ShapeRows("train", 24);
        string model = TransformFixtures.ModelPath;
        var pipeline = _context.Transforms.LoadImages("Image", null, nameof(TrainingRow.Path))
            .Append(_context.Transforms.ResizeImages("Resized", 64, 64, "Image", ImageResizingEstimator.ResizingKind.Fill))
            .Append(_context.Transforms.ExtractPixels(InputName(model), "Resized", scaleImage: 1 / 255f))
            .Append(_context.Transforms.ApplyOnnxModel(LogitsName(model), InputName(model), model))
            .Append(_context.Transforms.Explain(new ExplainOptions
            {
                OutputColumnName = "Map", InputColumnName = InputName(model), ModelPath = model, TargetColumnName = nameof(TrainingRow.Label), BatchSize = 8,
            }))
            .Append(_context.Transforms.PointingGame("Pointing", "Map", nameof(TrainingRow.Boxes), tolerance: 5))
            .AppendCacheCheckpoint(_context)
            .Append(_context.Transforms.Conversion.ConvertType("PointingHit", "Pointing", DataKind.Single))
            .Append(_context.Transforms.Concatenate("Features", "MapLogit", "PointingMaxPoint", "PointingHit", LogitsName(model)))
            .Append(_context.BinaryClassification.Trainers.LbfgsLogisticRegression(nameof(TrainingRow.IsCircle), "Features"));

        using var fitted = pipeline.Fit(data);
        IDataView scored = fitted.Transform(data);
        PredictedRow[] rows = _context.Data.CreateEnumerable<PredictedRow>(scored, reuseRowObject: false).ToArray();

        Assert.HasCount(24, rows);
        Assert.IsTrue(rows.All(r => r.MapError == "" && r.Map.Length == 64 * 64 && float.IsFinite(r.MapLogit)), string.Join("; ", rows.Select(r => r.MapError)));
        CollectionAssert.AreEqual(Enumerable.Range(0, 24).Select(i => i % 4).ToArray(), rows.Select(r => r.MapTarget).ToArray());
        var metrics = _context.BinaryClassification.Evaluate(scored, nameof(TrainingRow.IsCircle));
        Assert.IsGreaterThan(0.5, metrics.Accuracy, "the trainer learned from the attribution features");

        // PredictionEngine maps one row at a time through GetRowToRowMapper.
        var engine = _context.Model.CreatePredictionEngine<TrainingRow, PredictedRow>(fitted);
        var first = _context.Data.CreateEnumerable<TrainingRow>(data, reuseRowObject: false).First();
        PredictedRow single = engine.Predict(first);
        Assert.AreEqual("", single.MapError);
        Assert.IsLessThanOrEqualTo(1e-5, TransformFixtures.MaxAbsDiff([rows[0].Map], [single.Map]), "PredictionEngine gives the batched pipeline's map");
        Assert.AreEqual(rows[0].MapLogit, single.MapLogit, 1e-5);
    }

    [TestMethod]
    public void TheCacheCheckpointAttributesEachRowOnceAcrossTrainingPasses()
    {
        (IDataView data, _) = ShapeRows("cache", 16);
        string model = TransformFixtures.ModelPath;
        long batches = 0;
        var pipeline = _context.Transforms.LoadImages("Image", null, nameof(TrainingRow.Path))
            .Append(_context.Transforms.Explain(new ExplainOptions
            {
                OutputColumnName = "Map", InputColumnName = "Image", ModelPath = model, TargetColumnName = nameof(TrainingRow.Label), BatchSize = 4,
                Progress = new ListProgress(_ => Interlocked.Increment(ref batches)),
            }))
            .AppendCacheCheckpoint(_context)
            .Append(_context.Transforms.Concatenate("Features", "Map"))
            .Append(_context.BinaryClassification.Trainers.LbfgsLogisticRegression(nameof(TrainingRow.IsCircle), "Features"));

        using (pipeline.Fit(data))
        {
        }

        Assert.AreEqual(4L, batches, "multi-pass training reads the cached maps: the engine attributed the 16 rows once, in 4 batches");
    }

    [TestMethod]
    public void TheEngineRunsOnlyWhenOurColumnsAreReadAndTwoCursorsAtOnceAgree()
    {
        (float[][] inputs, long[] targets, _) = TransformFixtures.StoredInputs();
        IDataView data = _context.Data.LoadFromEnumerable(Enumerable.Range(0, 32).Select(i => new PixelRow { Pixels = inputs[i % 8], Label = (int)targets[i % 8] }).ToArray());
        long reports = 0;
        using ExplainTransformer explain = _context.Transforms.Explain(new ExplainOptions
        {
            OutputColumnName = "Map", InputColumnName = "Pixels", ModelPath = TransformFixtures.ModelPath, TargetColumnName = "Label", BatchSize = 5,
            Progress = new ListProgress(_ => Interlocked.Increment(ref reports)),
        }).Fit(data);
        IDataView output = explain.Transform(data);

        Assert.HasCount(32, TransformFixtures.Column<int>(output, "Label"));
        Assert.AreEqual(0L, reports, "reading only the input's columns never runs the engine");

        List<float[]>[] results = new List<float[]>[2];
        using (var start = new Barrier(2))
        {
            Parallel.For(0, 2, k =>
            {
                start.SignalAndWait();
                results[k] = TransformFixtures.Vectors(output, "Map");
            });
        }
        Assert.AreEqual(0, TransformFixtures.MaxAbsDiff(results[0], results[1]), "two cursors on two threads give the same rows");
        for (int i = 8; i < 32; i++)
            Assert.AreEqual(0, TransformFixtures.MaxAbsDiff([results[0][i % 8]], [results[0][i]]), $"row {i} equals row {i % 8}, its input's first occurrence");
    }

    [TestMethod]
    public void BadRowsFromMlNetsImageLoadingGetTheErrorColumnAndLeaveTheOthersIntact()
    {
        string folder = TransformFixtures.TempFolder("bad-images");
        var shapes = TransformFixtures.DrawShapes(folder, 3);
        var large = TransformFixtures.DrawShapes(Path.Combine(folder, "large"), 1, size: 96);
        string corrupt = Path.Combine(folder, "corrupt.png");
        File.WriteAllBytes(corrupt, File.ReadAllBytes(shapes[0].Path)[..40]);   // a truncated PNG
        string notImage = Path.Combine(folder, "text.jpg");
        File.WriteAllText(notImage, "not an image");
        TrainingRow[] rows =
        [
            new() { Path = shapes[0].Path, Label = shapes[0].Class, Boxes = shapes[0].Box },
            new() { Path = Path.Combine(folder, "missing.png"), Label = 0, Boxes = shapes[0].Box },
            new() { Path = corrupt, Label = 0, Boxes = shapes[0].Box },
            new() { Path = notImage, Label = 0, Boxes = shapes[0].Box },
            new() { Path = "", Label = 0, Boxes = shapes[0].Box },
            new() { Path = large[0].Path, Label = 0, Boxes = large[0].Box },                      // 96×96: not the model's 64×64
            new() { Path = shapes[1].Path, Label = 9, Boxes = shapes[1].Box },                    // the model has 4 classes
            new() { Path = shapes[2].Path, Label = shapes[2].Class, Boxes = [200, 200, 210, 210] }, // a box outside the image
            new() { Path = shapes[1].Path, Label = shapes[1].Class, Boxes = shapes[1].Box },
        ];
        IDataView data = _context.Data.LoadFromEnumerable(rows);
        var pipeline = _context.Transforms.LoadImages("Image", null, nameof(TrainingRow.Path))
            .Append(_context.Transforms.Explain(new ExplainOptions
            {
                OutputColumnName = "Map", InputColumnName = "Image", ModelPath = TransformFixtures.ModelPath, TargetColumnName = nameof(TrainingRow.Label),
                ResizeToModelInput = false, BatchSize = 4,
            }))
            .Append(_context.Transforms.PointingGame("Pointing", "Map", nameof(TrainingRow.Boxes)));
        using var model = pipeline.Fit(data);
        PredictedRow[] output = _context.Data.CreateEnumerable<PredictedRow>(model.Transform(data), reuseRowObject: false).ToArray();

        string[] errors = output.Select(r => r.MapError).ToArray();
        Assert.AreEqual("", errors[0]);
        StringAssert.StartsWith(errors[1], "Missing file: ");
        StringAssert.StartsWith(errors[2], "Corrupt image: ");
        StringAssert.StartsWith(errors[3], "Corrupt image: ");
        StringAssert.StartsWith(errors[4], "No image: ");
        StringAssert.StartsWith(errors[5], "Wrong input size: column 'Image' holds a 96×96 image; the model takes 64×64");
        StringAssert.StartsWith(errors[6], "Bad target: class 9 is out of range; the model has 4 classes");
        Assert.AreEqual("", errors[7]);
        StringAssert.StartsWith(output[7].PointingError, "Box outside the image");
        Assert.AreEqual("", errors[8]);
        foreach (int bad in new[] { 1, 2, 3, 4, 5, 6 })
        {
            Assert.IsTrue(output[bad].Map.All(float.IsNaN) && output[bad].MapTarget == -1 && float.IsNaN(output[bad].MapLogit), $"row {bad}");
            StringAssert.StartsWith(output[bad].PointingError, "Missing map: ");
        }

        // The good rows equal the same rows explained alone.
        IDataView good = _context.Data.LoadFromEnumerable(new[] { rows[0], rows[7], rows[8] });
        using var alone = pipeline.Fit(good);
        List<float[]> reference = TransformFixtures.Vectors(alone.Transform(good), "Map");
        Assert.IsLessThanOrEqualTo(1e-5, TransformFixtures.MaxAbsDiff(reference, [output[0].Map, output[7].Map, output[8].Map]));
    }

    [TestMethod]
    public void ImagesPlanarAndInterleavedPixelsGiveTheSameMaps()
    {
        (IDataView data, _) = ShapeRows("layouts", 6);
        float[] mean = [0.4f, 0.45f, 0.5f], std = [0.2f, 0.25f, 0.3f];
        ExplainOptions Options(string input, PixelLayout layout, float? scale) => new()
        {
            OutputColumnName = "Map", InputColumnName = input, ModelPath = TransformFixtures.ModelPath, TargetColumnName = nameof(TrainingRow.Label),
            InputLayout = layout, Scale = scale, Mean = mean, Std = std,
        };
        List<float[]> Run(IEstimator<ITransformer> pixels, ExplainOptions options)
        {
            using var model = _context.Transforms.LoadImages("Image", null, nameof(TrainingRow.Path))
                .Append(_context.Transforms.ResizeImages("Image", 64, 64))   // ExtractPixels needs a known size (the drawn images are 64×64 already)
                .Append(pixels).Append(_context.Transforms.Explain(options)).Fit(data);
            return TransformFixtures.Vectors(model.Transform(data), "Map");
        }

        List<float[]> fromImages = Run(_context.Transforms.CopyColumns("Copy", "Image"), Options("Image", PixelLayout.Planar, null));
        List<float[]> planar = Run(_context.Transforms.ExtractPixels("Pixels", "Image"), Options("Pixels", PixelLayout.Planar, 1 / 255f));
        List<float[]> interleaved = Run(_context.Transforms.ExtractPixels("Pixels", "Image", interleavePixelColors: true), Options("Pixels", PixelLayout.Interleaved, 1 / 255f));
        List<float[]> normalizedFirst = Run(_context.Transforms.ExtractPixels("Raw", "Image", scaleImage: 1 / 255f).Append(_context.Transforms.NormalizePixels("Pixels", "Raw", mean, std)),
            new ExplainOptions { OutputColumnName = "Map", InputColumnName = "Pixels", ModelPath = TransformFixtures.ModelPath, TargetColumnName = nameof(TrainingRow.Label) });

        Assert.IsGreaterThan(1e-6, fromImages.Max(m => m.Max()));
        Assert.IsLessThanOrEqualTo(1e-5, TransformFixtures.MaxAbsDiff(fromImages, planar));
        Assert.IsLessThanOrEqualTo(1e-5, TransformFixtures.MaxAbsDiff(planar, interleaved));
        Assert.IsLessThanOrEqualTo(1e-5, TransformFixtures.MaxAbsDiff(planar, normalizedFirst));
    }

    [TestMethod]
    public void SchemaMistakesFailAtFitNamingTheColumn()
    {
        (IDataView data, _) = ShapeRows("schema", 1);
        var text = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() =>
            _context.Transforms.Explain("Map", nameof(TrainingRow.Path), TransformFixtures.ModelPath).Fit(data));
        StringAssert.StartsWith(text.Message, "Schema mismatch for input column 'Path': expected Image or Vector<Single, 3, 64, 64>, got String");

        var chained = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => _context.Transforms.LoadImages("Image", null, nameof(TrainingRow.Path))
            .Append(_context.Transforms.Explain("Map", "Image", TransformFixtures.ModelPath, targetColumnName: nameof(TrainingRow.Boxes)))
            .Fit(data));
        StringAssert.StartsWith(chained.Message, "Schema mismatch for input column 'Boxes': expected Int32, Int64 or Key<UInt32>, got VarVector<Single>");

        // Downstream estimators see our columns before anything is fitted (EstimatorChain.Fit asks every estimator for its output shape).
        SchemaShape shape = _context.Transforms.LoadImages("Image", null, nameof(TrainingRow.Path))
            .Append(_context.Transforms.Explain("Map", "Image", TransformFixtures.ModelPath))
            .Append(_context.Transforms.Concatenate("Features", "Map", "MapLogit"))
            .GetOutputSchema(TestSchemas.Shape(data.Schema));
        Assert.AreEqual(SchemaShape.Column.VectorKind.Vector, TestSchemas.Find(shape, "Features").Kind);
    }

    [TestMethod]
    public void SchemaShapeColumnsAreBuiltThroughTheNonPublicConstructor()
    {
        // Guards the reflection in SchemaShapes: a new Microsoft.ML that changes SchemaShape.Column's constructor fails here first.
        SchemaShape.Column column = SchemaShapes.Vector("Map", NumberDataViewType.Single);
        Assert.AreEqual("Map", column.Name);
        Assert.AreEqual(SchemaShape.Column.VectorKind.Vector, column.Kind);
        Assert.AreEqual(NumberDataViewType.Single, column.ItemType);
        Assert.IsFalse(column.IsKey);
        Assert.AreEqual(SchemaShape.Column.VectorKind.VariableVector, SchemaShapes.Vector("V", NumberDataViewType.Single, knownSize: false).Kind);
    }

    public sealed class TrainingRow
    {
        public string Path { get; set; } = "";

        public int Label { get; set; }

        public float[] Boxes { get; set; } = [];

        public bool IsCircle { get; set; }
    }

    public sealed class PredictedRow
    {
        public float[] Map { get; set; } = [];

        public int MapTarget { get; set; }

        public float MapLogit { get; set; }

        public string MapError { get; set; } = "";

        public bool Pointing { get; set; }

        public string PointingError { get; set; } = "";
    }
}
