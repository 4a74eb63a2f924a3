using Microsoft.ML.Attribution.DataViews;
using Microsoft.ML.Data;

namespace Microsoft.ML.Attribution.Tests.DataViews;

[TestClass]
public sealed class BatchedTransformerTests
{
    private readonly MLContext _context = new(seed: 1);

    private IDataView TenRows(CountingEnumerable<XRow>? source = null) =>
        _context.Data.LoadFromEnumerable(source ?? Rows(10));

    private static CountingEnumerable<XRow> Rows(int n) => new(Enumerable.Range(0, n).Select(i => new XRow { X = i + 1 }).ToArray());

    [TestMethod]
    public void DoublesEveryRowInBatchesOfThree()
    {
        var doubler = new DoublingTransformer(batchSize: 3);

        XYRow[] rows = _context.Data.CreateEnumerable<XYRow>(doubler.Transform(TenRows()), reuseRowObject: false).ToArray();

        CollectionAssert.AreEqual(Enumerable.Range(1, 10).Select(i => (float)i).ToArray(), rows.Select(r => r.X).ToArray());
        CollectionAssert.AreEqual(rows.Select(r => 2 * r.X).ToArray(), rows.Select(r => r.Y).ToArray());
        Assert.AreEqual((int)Math.Ceiling(10 / 3.0), doubler.BatchCalls);
        CollectionAssert.AreEqual(new[] { 3, 3, 3, 1 }, doubler.BatchSizes);
    }

    [TestMethod]
    public void OutputSchemaAppendsTheComputedColumn()
    {
        var doubler = new DoublingTransformer(batchSize: 3);
        IDataView data = _context.Data.LoadFromEnumerable(Enumerable.Range(0, 10).Select(i => new XRow { X = i }).ToArray());

        DataViewSchema schema = doubler.GetOutputSchema(data.Schema);

        CollectionAssert.AreEqual(new[] { "X", "Y" }, schema.Select(c => c.Name).ToArray());
        Assert.AreEqual(NumberDataViewType.Single, schema["Y"].Type);
        Assert.AreEqual(10L, doubler.Transform(data).GetRowCount(), "the row count passes through");
    }

    [TestMethod]
    public void NothingIsComputedUntilAnAppendedValueIsRead()
    {
        var source = Rows(10);
        var doubler = new DoublingTransformer(batchSize: 3);
        IDataView output = doubler.Transform(TenRows(source));
        Assert.AreEqual(0, source.Enumerations);

        using (DataViewRowCursor onlyX = output.GetRowCursor([output.Schema["X"]]))
        {
            while (onlyX.MoveNext())
            {
            }
        }
        Assert.AreEqual(0, doubler.MappersCreated, "no appended column active: no read-ahead cursor, no mapper");
        Assert.AreEqual(1, source.Enumerations);

        using DataViewRowCursor withY = output.GetRowCursor([output.Schema["Y"]]);
        while (withY.MoveNext())
        {
        }
        Assert.AreEqual(0, doubler.BatchCalls, "Y was active but never read");
    }

    [TestMethod]
    public void BatchesStartAtTheFirstRowReadAndServeLaterRowsFromTheCache()
    {
        var doubler = new DoublingTransformer(batchSize: 3);
        IDataView output = doubler.Transform(TenRows());
        using DataViewRowCursor cursor = output.GetRowCursor([output.Schema["Y"]]);
        ValueGetter<float> y = cursor.GetGetter<float>(output.Schema["Y"]);
        var read = new Dictionary<long, float>();

        while (cursor.MoveNext())
        {
            if (cursor.Position is 1 or 2 or 3 or 7)
            {
                float value = 0;
                y(ref value);
                y(ref value); // a second read of the same row is served from the cache
                read[cursor.Position] = value;
            }
        }

        Assert.AreEqual(4f, read[1]);
        Assert.AreEqual(6f, read[2]);
        Assert.AreEqual(8f, read[3]);
        Assert.AreEqual(16f, read[7]);
        CollectionAssert.AreEqual(new[] { 3, 3 }, doubler.BatchSizes, "rows 1-3 in one batch, rows 7-9 in another; rows 0 and 4-6 never computed");
    }

    [TestMethod]
    public void ProgressReportsRowsComputedAfterEachBatch()
    {
        var progress = new RecordingProgress();
        var doubler = new DoublingTransformer(batchSize: 3, progress);

        _ = _context.Data.CreateEnumerable<XYRow>(doubler.Transform(TenRows()), reuseRowObject: true).Count();

        CollectionAssert.AreEqual(new long[] { 3, 6, 9, 10 }, progress.Reports);
    }

    [TestMethod]
    public void CancellationStopsBeforeTheNextBatch()
    {
        using var cancellation = new CancellationTokenSource();
        var progress = new RecordingProgress(rows => { if (rows >= 3) cancellation.Cancel(); });
        var doubler = new DoublingTransformer(batchSize: 3, progress, cancellation.Token);
        IDataView output = doubler.Transform(TenRows());
        using DataViewRowCursor cursor = output.GetRowCursor(output.Schema);
        ValueGetter<float> y = cursor.GetGetter<float>(output.Schema["Y"]);
        float value = 0;

        for (int i = 0; i < 3; i++)
        {
            Assert.IsTrue(cursor.MoveNext());
            y(ref value);
        }
        Assert.AreEqual(6f, value, "rows of the batch computed before cancelling are still served");
        Assert.IsTrue(cursor.MoveNext());

        Assert.ThrowsExactly<OperationCanceledException>(() => y(ref value));
        Assert.AreEqual(1, doubler.BatchCalls);
    }

    [TestMethod]
    public void CancellationInsideABatchFailsTheCursor()
    {
        using var cancellation = new CancellationTokenSource();
        var doubler = new DoublingTransformer(batchSize: 4, cancellationToken: cancellation.Token) { OnBatch = cancellation.Cancel };
        IDataView output = doubler.Transform(TenRows());
        using DataViewRowCursor cursor = output.GetRowCursor(output.Schema);
        ValueGetter<float> y = cursor.GetGetter<float>(output.Schema["Y"]);
        float value = 0;
        Assert.IsTrue(cursor.MoveNext());

        Assert.ThrowsExactly<OperationCanceledException>(() => y(ref value));
        var later = Assert.ThrowsExactly<InvalidOperationException>(() => y(ref value));
        Assert.IsInstanceOfType<OperationCanceledException>(later.InnerException);
    }

    [TestMethod]
    public void SchemaErrorsAreRaisedAtTransformTime()
    {
        var doubler = new DoublingTransformer(batchSize: 3);

        var missing = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() =>
            doubler.Transform(_context.Data.LoadFromEnumerable(new[] { new OtherRow() })));
        var mismatch = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() =>
            doubler.Transform(_context.Data.LoadFromEnumerable(new[] { new DoubleXRow() })));

        Assert.StartsWith("Could not find input column 'X'", missing.Message);
        Assert.StartsWith("Schema mismatch for input column 'X': expected Single, got Double", mismatch.Message);
    }

    [TestMethod]
    public void ChainsWithOtherTransformersAndPassesColumnsThrough()
    {
        IDataView data = TenRows();
        var model = _context.Transforms.CopyColumns("Original", "X").Append(new DoublingEstimator(batchSize: 4)).Fit(data);

        IDataView output = model.Transform(data);
        using DataViewRowCursor cursor = output.GetRowCursor([output.Schema["Original"], output.Schema["Y"]]);
        ValueGetter<float> original = cursor.GetGetter<float>(output.Schema["Original"]);
        ValueGetter<float> y = cursor.GetGetter<float>(output.Schema["Y"]);
        int rows = 0;
        while (cursor.MoveNext())
        {
            float a = 0, b = 0;
            original(ref a);
            y(ref b);
            Assert.AreEqual(2 * a, b);
            rows++;
        }

        Assert.AreEqual(10, rows);
        Assert.AreEqual(3, model.LastTransformer.BatchCalls);
    }

    [TestMethod]
    public void RowToRowMapperComputesOneRowAtATime()
    {
        IDataView data = TenRows();
        var doubler = new DoublingTransformer(batchSize: 3);
        IRowToRowMapper mapper = doubler.GetRowToRowMapper(data.Schema);
        DataViewSchema.Column y = mapper.OutputSchema["Y"];

        DataViewRowCursor input = data.GetRowCursor(mapper.GetDependencies([y]));
        using DataViewRow row = mapper.GetRow(input, [y]);
        ValueGetter<float> getter = row.GetGetter<float>(y);
        float value = 0;
        Assert.IsTrue(input.MoveNext());
        getter(ref value);
        getter(ref value);
        Assert.IsTrue(input.MoveNext());
        getter(ref value);

        Assert.AreEqual(4f, value);
        CollectionAssert.AreEqual(new[] { 1, 1 }, doubler.BatchSizes);
    }

    [TestMethod]
    public void BatchSizeMustBePositive()
    {
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new DoublingTransformer(batchSize: 0));
    }

    /// <summary>Appends Y = 2·X, computing whole batches at once and recording how it was called.</summary>
    private sealed class DoublingTransformer(int batchSize, IProgress<long>? progress = null, CancellationToken cancellationToken = default)
        : BatchedAppendingTransformerBase(batchSize, progress, cancellationToken)
    {
        public int MappersCreated { get; private set; }

        public List<int> BatchSizes { get; } = new();

        public int BatchCalls => BatchSizes.Count;

        public Action? OnBatch { get; init; }

        protected override IReadOnlyList<DataViewSchema.DetachedColumn> GetOutputColumns(DataViewSchema inputSchema)
        {
            DataViewSchema.Column x = inputSchema.GetColumnOrNull("X")
                ?? throw new ArgumentOutOfRangeException(nameof(inputSchema), "Could not find input column 'X'");
            if (!x.Type.Equals(NumberDataViewType.Single))
                throw new ArgumentOutOfRangeException(nameof(inputSchema), $"Schema mismatch for input column 'X': expected Single, got {x.Type}");
            return [new DataViewSchema.DetachedColumn("Y", NumberDataViewType.Single)];
        }

        protected override IEnumerable<DataViewSchema.Column> GetDependencies(DataViewSchema inputSchema) => [inputSchema["X"]];

        protected override BatchedRowMapper CreateMapper(DataViewRow input, int batchCapacity)
        {
            MappersCreated++;
            return new Mapper(this, input.GetGetter<float>(input.Schema["X"]), batchCapacity);
        }

        private sealed class Mapper(DoublingTransformer owner, ValueGetter<float> x, int capacity) : BatchedRowMapper
        {
            private readonly float[] _inputs = new float[capacity];
            private readonly float[] _outputs = new float[capacity];

            public override void StageRow(int slot) => x(ref _inputs[slot]);

            public override void ComputeBatch(int count, CancellationToken cancellationToken)
            {
                owner.BatchSizes.Add(count);
                owner.OnBatch?.Invoke();
                cancellationToken.ThrowIfCancellationRequested();
                for (int i = 0; i < count; i++)
                    _outputs[i] = 2 * _inputs[i];
            }

            public override Delegate CreateGetter(int outputColumnIndex, Func<int> currentSlot) =>
                (ValueGetter<float>)((ref float value) => value = _outputs[currentSlot()]);
        }
    }

    public sealed class OtherRow
    {
        public float Z { get; set; }
    }

    public sealed class DoubleXRow
    {
        public double X { get; set; }
    }

    /// <summary>Lets ML.NET's EstimatorChain append the doubler.</summary>
    private sealed class DoublingEstimator(int batchSize) : IEstimator<DoublingTransformer>
    {
        public DoublingTransformer Fit(IDataView input) => new(batchSize);

        public SchemaShape GetOutputSchema(SchemaShape inputSchema) => inputSchema;
    }
}
