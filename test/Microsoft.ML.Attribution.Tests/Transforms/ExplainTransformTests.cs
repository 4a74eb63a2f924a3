using System.Diagnostics;
using Microsoft.ML.Attribution.DataViews;
using Microsoft.ML.Data;
using Microsoft.ML.Attribution.Graph;
using Microsoft.ML.Attribution.Maps;
using Microsoft.ML.Attribution.Methods;
using Microsoft.ML.Attribution.Onnx;
using Microsoft.ML.Attribution.Persistence;
using TorchSharp;
using Microsoft.ML.Attribution.Tensors;
using Microsoft.ML.Attribution.Transforms;
using Microsoft.ML.Transforms.Image;
using static TorchSharp.torch;

namespace Microsoft.ML.Attribution.Tests.Transforms;

[TestClass]
public sealed class ExplainTransformTests : TorchTest
{
    private readonly MLContext _context = new(seed: 1);

    private IDataView StoredRows(out long[] targets, out float[,] logits)
    {
        (float[][] inputs, targets, logits) = TransformFixtures.StoredInputs();
        long[] t = targets;
        return _context.Data.LoadFromEnumerable(inputs.Select((x, i) => new PixelRow { Pixels = x, Label = (int)t[i] }).ToArray());
    }

    /// <summary>The method called directly on the stored batch and reduced as Explain reduces it: the reference values.</summary>
    private static List<float[]> Reference(string method, long[]? targets, ChannelReduction reduction)
    {
        (float[][] inputs, _, _) = TransformFixtures.StoredInputs();
        using DisposeScope scope = NewDisposeScope();
        using Network network = OnnxImporter.Load(TransformFixtures.ModelPath);
        using IAttributionMethod attribution = MethodRegistry.Create(method, network);
        Tensor batch = tensor(inputs.SelectMany(x => x).ToArray(), [inputs.Length, 3, 64, 64]);
        using AttributionMap map = attribution.Attribute(batch, targets is null ? Target.TopPrediction : Target.PerRow(targets));
        Tensor reduced = MapReduction.Reduce(map.Map, reduction);
        return Enumerable.Range(0, inputs.Length).Select(i => reduced[i].contiguous().ToArray<float>()).ToList();
    }

    [TestMethod]
    public void AppendsMapTargetLogitAndErrorColumnsWithTheMethodsValues()
    {
        IDataView data = StoredRows(out long[] targets, out float[,] logits);
        using ExplainTransformer explain = _context.Transforms.Explain("Map", "Pixels", TransformFixtures.ModelPath, "gradient", targetColumnName: "Label").Fit(data);
        IDataView output = explain.Transform(data);

        Assert.AreEqual("Vector<Single, 64, 64>", output.Schema["Map"].Type.ToString());
        Assert.AreEqual(NumberDataViewType.Int32, output.Schema["MapTarget"].Type);
        Assert.AreEqual(NumberDataViewType.Single, output.Schema["MapLogit"].Type);
        Assert.AreEqual(TextDataViewType.Instance, output.Schema["MapError"].Type);
        Assert.AreEqual(ChannelReduction.MaxAbs, explain.Reduction, "gradient maps reduce with max |·| by convention");

        List<float[]> maps = TransformFixtures.Vectors(output, "Map");
        Assert.IsLessThanOrEqualTo(1e-6, TransformFixtures.MaxAbsDiff(Reference("gradient", targets, ChannelReduction.MaxAbs), maps));
        CollectionAssert.AreEqual(targets.Select(t => (int)t).ToArray(), TransformFixtures.Column<int>(output, "MapTarget").ToArray());
        List<float> logit = TransformFixtures.Column<float>(output, "MapLogit");
        for (int i = 0; i < targets.Length; i++)
            Assert.AreEqual(logits[i, targets[i]], logit[i], 1e-3, $"row {i}: logit of the explained class");
        Assert.IsTrue(TransformFixtures.Texts(output, "MapError").All(e => e == ""));
    }

    [TestMethod]
    public void LrpMethodsKeepWorkingAfterTheFirstBatch()
    {
        // LRP prepares a BN-merged copy of the network inside its first call; that copy must survive the call's dispose scope.
        IDataView data = StoredRows(out long[] targets, out _);
        using ExplainTransformer explain = _context.Transforms.Explain(new ExplainOptions
        {
            OutputColumnName = "Map", InputColumnName = "Pixels", ModelPath = TransformFixtures.ModelPath, Method = "lrp-epsilon-plus-flat",
            TargetColumnName = "Label", BatchSize = 3,
        }).Fit(data);

        List<float[]> maps = TransformFixtures.Vectors(explain.Transform(data), "Map");
        Assert.IsTrue(TransformFixtures.Texts(explain.Transform(data), "MapError").All(e => e == ""));
        Assert.IsLessThanOrEqualTo(1e-5, TransformFixtures.MaxAbsDiff(Reference("lrp-epsilon-plus-flat", targets, ChannelReduction.Sum), maps));
    }

    [TestMethod]
    public void TopPredictionIsExplainedWithoutATargetColumnAndKeepChannelsGivesTheRawMap()
    {
        IDataView data = StoredRows(out _, out float[,] logits);
        var estimator = _context.Transforms.Explain(new ExplainOptions
        {
            OutputColumnName = "Raw", InputColumnName = "Pixels", ModelPath = TransformFixtures.ModelPath, Method = "gradient-x-input", KeepChannels = true, BatchSize = 3,
        });
        using ExplainTransformer explain = estimator.Fit(data);
        IDataView output = explain.Transform(data);

        Assert.AreEqual("Vector<Single, *, 64, 64>", output.Schema["Raw"].Type.ToString());
        int[] top = Enumerable.Range(0, logits.GetLength(0)).Select(i => Enumerable.Range(0, 4).MaxBy(k => logits[i, k])).ToArray();
        CollectionAssert.AreEqual(top, TransformFixtures.Column<int>(output, "RawTarget").ToArray());
        List<float[]> raw = TransformFixtures.Vectors(output, "Raw");
        Assert.IsTrue(raw.All(m => m.Length == 3 * 64 * 64));
        // Summing the raw map's channels gives the reduced map (Gradient × Input reduces with a signed sum).
        List<float[]> reduced = Reference("gradient-x-input", null, ChannelReduction.Sum);
        List<float[]> summed = raw.Select(m => Enumerable.Range(0, 64 * 64).Select(p => m[p] + m[4096 + p] + m[8192 + p]).ToArray()).ToList();
        Assert.IsLessThanOrEqualTo(1e-5, TransformFixtures.MaxAbsDiff(reduced, summed));
    }

    [TestMethod]
    public void TwoHundredRowsInBatchesEqualRowByRowAndMemoryStaysFlatOverTwoThousand()
    {
        string folder = TransformFixtures.TempFolder("batches");
        var shapes = TransformFixtures.DrawShapes(folder, 20);
        IDataView Rows(int count) => _context.Data.LoadFromEnumerable(Enumerable.Range(0, count)
            .Select(i => new PathRow { Path = shapes[i % shapes.Count].Path, Label = shapes[i % shapes.Count].Class }).ToArray());
        IDataView data = Rows(200);

        EstimatorChain<ExplainTransformer> Pipeline(int batchSize) =>
            _context.Transforms.LoadImages("Image", null, "Path")
                .Append(_context.Transforms.ResizeImages("Image", 64, 64, resizing: ImageResizingEstimator.ResizingKind.Fill))
                .Append(_context.Transforms.ExtractPixels("Pixels", "Image", scaleImage: 1 / 255f))
                .Append(_context.Transforms.Explain(new ExplainOptions
                {
                    OutputColumnName = "Map", InputColumnName = "Pixels", ModelPath = TransformFixtures.ModelPath, Method = "gradient",
                    TargetColumnName = "Label", BatchSize = batchSize,
                }));

        List<float[]> Run(int batchSize)
        {
            using var model = Pipeline(batchSize).Fit(data);
            return TransformFixtures.Vectors(model.Transform(data), "Map");
        }

        List<float[]> batched = Run(16);
        List<float[]> single = Run(1);
        Assert.HasCount(200, batched);
        // float32 convolutions choose their kernel by batch size, so a unit within rounding of its ReLU boundary may switch
        // (an AMD EPYC: one of the 20 images, 0.12 % of the elements, max 7.6e-3 against maps up to 0.79).
        using (Tensor one = torch.tensor(single.SelectMany(m => m).ToArray()), many = torch.tensor(batched.SelectMany(m => m).ToArray()))
            AssertCloseUpToGateFlips(one, many, 1e-5, 2e-2 * one.abs().max().ItemAs<float>(), "batched maps vs row-by-row maps");
        Assert.IsGreaterThan(1e-6, batched.Max(m => m.Max()), "maps are not trivially zero");

        // Memory: 2,000 more rows must not grow the process (native tensors are freed per batch; rows are streamed, not kept).
        long Rss()
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
            using var self = Process.GetCurrentProcess();
            return self.WorkingSet64;
        }
        data = Rows(2000);
        double sum = 0;
        long Stream()
        {
            using var model = Pipeline(16).Fit(data);
            IDataView output = model.Transform(data);
            using DataViewRowCursor cursor = output.GetRowCursor([output.Schema["Map"]]);
            ValueGetter<VBuffer<float>> map = cursor.GetGetter<VBuffer<float>>(output.Schema["Map"]);
            VBuffer<float> value = default;
            long atRow250 = 0;
            while (cursor.MoveNext())
            {
                map(ref value);
                sum += value.GetValues()[0];
                if (cursor.Position == 250)
                    atRow250 = Rss();
            }
            return atRow250;
        }
        Stream();   // warm-up: the first pass grows the managed heap and the allocator's caches
        long before = Stream();
        long growth = Rss() - before;
        Assert.IsLessThan(40L << 20, growth, $"RSS grew by {growth >> 20} MB from row 250 to row 2,000 (and disposal)");
        Assert.IsTrue(double.IsFinite(sum));
    }

    [TestMethod]
    public void CancellationStopsWithinOneBatch()
    {
        using var cancellation = new CancellationTokenSource();
        var reports = new List<long>();
        IDataView data = _context.Data.LoadFromEnumerable(Enumerable.Range(0, 40).Select(i => StoredPixelRow(i % 8)).ToArray());
        using ExplainTransformer explain = _context.Transforms.Explain(new ExplainOptions
        {
            OutputColumnName = "Map", InputColumnName = "Pixels", ModelPath = TransformFixtures.ModelPath, BatchSize = 8,
            Progress = new ListProgress(rows => { reports.Add(rows); cancellation.Cancel(); }), CancellationToken = cancellation.Token,
        }).Fit(data);
        IDataView output = explain.Transform(data);
        int read = 0;

        Assert.ThrowsExactly<OperationCanceledException>(() =>
        {
            using DataViewRowCursor cursor = output.GetRowCursor([output.Schema["Map"]]);
            ValueGetter<VBuffer<float>> map = cursor.GetGetter<VBuffer<float>>(output.Schema["Map"]);
            VBuffer<float> value = default;
            while (cursor.MoveNext())
            {
                map(ref value);
                read++;
            }
        });
        Assert.AreEqual(8, read, "the batch computed before cancelling is served; the next read stops");
        CollectionAssert.AreEqual(new long[] { 8 }, reports, "exactly one batch was attributed");
    }

    private static PixelRow StoredPixelRow(int i)
    {
        (float[][] inputs, long[] targets, _) = TransformFixtures.StoredInputs();
        return new PixelRow { Pixels = inputs[i], Label = (int)targets[i] };
    }

    [TestMethod]
    public void BadRowsGetTheDocumentedErrorsAndDoNotDisturbTheirBatch()
    {
        (float[][] inputs, long[] targets, _) = TransformFixtures.StoredInputs();
        var nan = (float[])inputs[2].Clone();
        nan[100] = float.NaN;
        LooseRow[] rows =
        [
            new() { Pixels = inputs[0], Label = (int)targets[0] },
            new() { Pixels = inputs[1][..(64 * 64)], Label = 0 },          // one channel instead of three
            new() { Pixels = nan, Label = 0 },                               // a missing image upstream
            new() { Pixels = inputs[3], Label = 7 },                         // the model has 4 classes
            new() { Pixels = inputs[4], Label = -1 },
            new() { Pixels = inputs[5][..1000], Label = 0 },                 // not even whole channels
            new() { Pixels = inputs[6], Label = (int)targets[6] },
        ];
        IDataView data = _context.Data.LoadFromEnumerable(rows);
        using ExplainTransformer explain = _context.Transforms.Explain("Map", "Pixels", TransformFixtures.ModelPath, "gradient", "Label").Fit(data);
        IDataView output = explain.Transform(data);

        List<string> errors = TransformFixtures.Texts(output, "MapError");
        List<float[]> maps = TransformFixtures.Vectors(output, "Map");
        List<int> explained = TransformFixtures.Column<int>(output, "MapTarget");
        List<float> logits = TransformFixtures.Column<float>(output, "MapLogit");

        Assert.AreEqual("", errors[0]);
        StringAssert.StartsWith(errors[1], "Wrong channel count: column 'Pixels' holds 1 channel(s) of 64×64; the model takes 3.");
        StringAssert.StartsWith(errors[2], "Missing input: ");
        StringAssert.StartsWith(errors[3], "Bad target: class 7 is out of range; the model has 4 classes");
        StringAssert.StartsWith(errors[4], "Bad target: class -1 is negative.");
        StringAssert.StartsWith(errors[5], "Wrong input size: column 'Pixels' holds 1000 values");
        Assert.AreEqual("", errors[6]);
        foreach (int bad in new[] { 1, 2, 3, 4, 5 })
        {
            Assert.IsTrue(maps[bad].Length == 64 * 64 && maps[bad].All(float.IsNaN), $"row {bad}: missing map");
            Assert.AreEqual(-1, explained[bad]);
            Assert.IsTrue(float.IsNaN(logits[bad]));
        }
        List<float[]> reference = Reference("gradient", targets, ChannelReduction.MaxAbs);
        Assert.IsLessThanOrEqualTo(1e-6, TransformFixtures.MaxAbsDiff([reference[0], reference[6]], [maps[0], maps[6]]), "good rows of the batch are unaffected");
    }

    [TestMethod]
    public void InvalidSchemasAndOptionsAreRejectedAtFitWithClearMessages()
    {
        IDataView data = StoredRows(out _, out _);
        IDataView fourChannels = _context.Data.LoadFromEnumerable(new[] { new FourChannelRow() });

        var wrongSize = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => _context.Transforms.Explain("Map", "Pixels", TransformFixtures.ModelPath).Fit(fourChannels));
        Assert.AreEqual("inputSchema", wrongSize.ParamName);
        StringAssert.StartsWith(wrongSize.Message, "Schema mismatch for input column 'Pixels': expected Image or Vector<Single, 3, 64, 64>, got Vector<Single, 4, 64, 64>");
        var missing = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => _context.Transforms.Explain("Map", "Image", TransformFixtures.ModelPath).Fit(data));
        StringAssert.StartsWith(missing.Message, "Could not find input column 'Image'");
        var target = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() =>
            _context.Transforms.Explain("Map", "Pixels", TransformFixtures.ModelPath, targetColumnName: "Pixels").GetOutputSchema(TestSchemas.Shape(data.Schema)));
        StringAssert.StartsWith(target.Message, "Schema mismatch for input column 'Pixels': expected Int32, Int64 or Key<UInt32>, got Vector<Single>");
        var method = Assert.ThrowsExactly<ArgumentException>(() => _context.Transforms.Explain("Map", "Pixels", TransformFixtures.ModelPath, "no-such-method"));
        StringAssert.Contains(method.Message, "Unknown attribution method 'no-such-method'");
        var option = Assert.ThrowsExactly<ArgumentException>(() => _context.Transforms.Explain("Map", "Pixels", TransformFixtures.ModelPath, "integrated-gradients",
            options: new Dictionary<string, string> { ["stepz"] = "4" }).Fit(data));
        StringAssert.Contains(option.Message, "Unknown option 'stepz'");
        Assert.ThrowsExactly<FileNotFoundException>(() => _context.Transforms.Explain("Map", "Pixels", "/no/such/model.onnx"));

        // A fitted transformer applied to another schema fails at Transform, not at cursor time.
        using ExplainTransformer fitted = _context.Transforms.Explain("Map", "Pixels", TransformFixtures.ModelPath).Fit(data);
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => fitted.Transform(fourChannels));
    }

    [TestMethod]
    public void TheDeviceIsCheckedWhenTheTransformerIsCreated()
    {
        IDataView data = StoredRows(out long[] targets, out _);
        ExplainOptions Options(string device) => new()
        {
            OutputColumnName = "Map", InputColumnName = "Pixels", ModelPath = TransformFixtures.ModelPath, TargetColumnName = "Label", Device = device,
        };

        var cuda = Assert.ThrowsExactly<NotSupportedException>(() => _context.Transforms.Explain(Options("cuda:0")).Fit(data));
        StringAssert.Contains(cuda.Message, "CUDA is not available");
        var unknown = Assert.ThrowsExactly<ArgumentException>(() => _context.Transforms.Explain(Options("tpu")));
        StringAssert.Contains(unknown.Message, "Unknown device 'tpu'");
        using ExplainTransformer cpu = _context.Transforms.Explain(Options("cpu")).Fit(data);
        Assert.AreEqual("cpu", cpu.Network.Device.ToString());
        Assert.IsLessThanOrEqualTo(1e-6, TransformFixtures.MaxAbsDiff(Reference("gradient", targets, ChannelReduction.MaxAbs),
            TransformFixtures.Vectors(cpu.Transform(data), "Map")));
    }

    [TestMethod]
    public void SeedMethodShortcutsPassTheirMethodName()
    {
        foreach ((string name, Func<ExplainEstimator> make) in new (string, Func<ExplainEstimator>)[]
        {
            ("dmbp", () => _context.Transforms.Dmbp("Map", "Pixels", TransformFixtures.ModelPath)),
            ("rsp", () => _context.Transforms.Rsp("Map", "Pixels", TransformFixtures.ModelPath)),
            ("clrp", () => _context.Transforms.Clrp("Map", "Pixels", TransformFixtures.ModelPath)),
            ("sglrp", () => _context.Transforms.Sglrp("Map", "Pixels", TransformFixtures.ModelPath)),
        })
        {
            if (MethodRegistry.Contains(name))
            {
                Assert.AreEqual(name, make().Options.Method);
            }
            else
            {
                var error = Assert.ThrowsExactly<ArgumentException>(() => make());
                StringAssert.Contains(error.Message, $"Unknown attribution method '{name}'");
            }
        }
        Assert.AreEqual(ChannelReduction.Mean, ChannelReductionDefaults.For("dmbp"));
        // The C# 14 extension property names the same catalog.
        Assert.AreSame(_context.Transforms, _context.Transforms.Attribution);
        Assert.AreEqual("clrp", _context.Transforms.Attribution.Clrp("Map", "Pixels", TransformFixtures.ModelPath).Options.Method);
    }

    [TestMethod]
    public void CursorsAreRepeatableAndShuffledCursorsWithOneSeedAgree()
    {
        IDataView data = StoredRows(out _, out _);
        using ExplainTransformer explain = new ExplainEstimator(new ExplainOptions
        {
            OutputColumnName = "Map", InputColumnName = "Pixels", ModelPath = TransformFixtures.ModelPath, Method = "smoothgrad", BatchSize = 3,
            MethodOptions = new() { ["samples"] = "4", ["seed"] = "5" },
        }).Fit(data);
        IDataView output = explain.Transform(data);

        Assert.AreEqual(0, TransformFixtures.MaxAbsDiff(TransformFixtures.Vectors(output, "Map"), TransformFixtures.Vectors(output, "Map")));

        List<(long, float[])> Shuffled(int seed)
        {
            var rows = new List<(long, float[])>();
            using DataViewRowCursor cursor = output.GetRowCursor([output.Schema["Map"], output.Schema["MapLogit"]], new Random(seed));
            ValueGetter<VBuffer<float>> map = cursor.GetGetter<VBuffer<float>>(output.Schema["Map"]);
            ValueGetter<DataViewRowId> id = cursor.GetIdGetter();
            VBuffer<float> value = default;
            DataViewRowId rowId = default;
            while (cursor.MoveNext())
            {
                map(ref value);
                id(ref rowId);
                rows.Add(((long)rowId.Low, value.DenseValues().ToArray()));
            }
            return rows;
        }
        var first = Shuffled(3);
        var second = Shuffled(3);
        CollectionAssert.AreEqual(first.Select(r => r.Item1).ToArray(), second.Select(r => r.Item1).ToArray());
        Assert.AreEqual(0, TransformFixtures.MaxAbsDiff(first.Select(r => r.Item2).ToList(), second.Select(r => r.Item2).ToList()));
    }

    [TestMethod]
    public void AnInMemoryNetworkWorksButCannotBeSaved()
    {
        IDataView data = StoredRows(out long[] targets, out _);
        using Network network = OnnxImporter.Load(TransformFixtures.ModelPath);
        using ExplainTransformer explain = _context.Transforms.Explain("Map", "Pixels", network, "gradient", "Label").Fit(data);

        Assert.IsLessThanOrEqualTo(1e-6, TransformFixtures.MaxAbsDiff(Reference("gradient", targets, ChannelReduction.MaxAbs),
            TransformFixtures.Vectors(explain.Transform(data), "Map")));
        var error = Assert.ThrowsExactly<NotSupportedException>(() => _context.Model.SaveWithAttribution(explain, data.Schema, Path.Combine(TransformFixtures.TempFolder("save"), "m.zip")));
        StringAssert.Contains(error.Message, "in-memory Network");
    }
}

public sealed class FourChannelRow
{
    [VectorType(4, 64, 64)]
    public float[] Pixels { get; set; } = new float[4 * 64 * 64];
}

internal sealed class ListProgress(Action<long> report) : IProgress<long>
{
    public void Report(long value) => report(value);
}
