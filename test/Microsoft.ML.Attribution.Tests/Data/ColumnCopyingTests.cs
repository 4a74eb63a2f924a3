using Microsoft.ML.Attribution.Data;

namespace Microsoft.ML.Attribution.Tests.Data;

[TestClass]
public sealed class ColumnCopyingTests
{
    private readonly AttributionContext _context = new(seed: 1);

    [TestMethod]
    public void EstimatorChainFitsAndTransformsWithCopyColumns()
    {
        IDataView data = _context.Data.LoadFromEnumerable(Enumerable.Range(0, 4).Select(SampleRow.Make).ToArray());
        EstimatorChain<ColumnCopyingTransformer> pipeline = _context.Transforms.CopyColumns("LabelCopy", "Label")
            .Append(_context.Transforms.CopyColumns("PixelsCopy", "Pixels"))
            .Append(_context.Transforms.CopyColumns("LabelCopy2", "LabelCopy"));

        TransformerChain<ColumnCopyingTransformer> model = pipeline.Fit(data);
        IDataView output = model.Transform(data);

        Assert.AreEqual(3, model.Count());
        Assert.AreEqual("LabelCopy2", model.LastTransformer.Columns[0].OutputColumnName);
        Assert.AreEqual(data.Schema.Count + 3, output.Schema.Count);
        Assert.AreEqual(data.Schema["Pixels"].Type, output.Schema["PixelsCopy"].Type);
        CopiedRow[] rows = _context.Data.CreateEnumerable<CopiedRow>(output, reuseRowObject: false).ToArray();
        Assert.HasCount(4, rows);
        foreach (CopiedRow row in rows)
        {
            Assert.AreEqual(row.Label, row.LabelCopy);
            Assert.AreEqual(row.Label, row.LabelCopy2);
            CollectionAssert.AreEqual(row.Pixels, row.PixelsCopy);
        }
    }

    [TestMethod]
    public void EstimatorOutputShapeAddsTheCopy()
    {
        IDataView data = _context.Data.LoadFromEnumerable(new[] { SampleRow.Make(0) });
        SchemaShape input = SchemaShape.Create(data.Schema);

        SchemaShape output = _context.Transforms.CopyColumns("P2", "Pixels").GetOutputSchema(input);

        Assert.AreEqual(input.Count + 1, output.Count);
        Assert.IsTrue(output.TryFindColumn("P2", out SchemaShape.Column copy));
        Assert.AreEqual(SchemaShape.Column.VectorKind.Vector, copy.Kind);
        Assert.AreEqual(NumberDataViewType.Single, copy.ItemType);
    }

    [TestMethod]
    public void CopyingOntoAnExistingNameHidesTheOldColumn()
    {
        IDataView data = _context.Data.LoadFromEnumerable(new[] { new XYRow { X = 1, Y = 2 } });

        IDataView output = _context.Transforms.CopyColumns("X", "Y").Fit(data).Transform(data);

        CollectionAssert.AreEqual(new[] { "X", "X", "Y" }, output.Schema.Select(c => c.Name).ToArray(), "the copy goes right after the column it hides");
        Assert.IsTrue(output.Schema[0].IsHidden);
        Assert.AreEqual(1, output.Schema["X"].Index);
        using DataViewRowCursor cursor = output.GetRowCursor(output.Schema);
        Assert.IsTrue(cursor.MoveNext());
        Assert.AreEqual(1f, Read<float>(cursor, output.Schema[0]), "the hidden column still reads the original");
        Assert.AreEqual(2f, Read<float>(cursor, output.Schema["X"]));
    }

    [TestMethod]
    public void FitAndShapePropagationRejectMissingInputColumns()
    {
        IDataView data = _context.Data.LoadFromEnumerable(new[] { new XRow() });
        ColumnCopyingEstimator estimator = _context.Transforms.CopyColumns("Out", "Missing");

        var fit = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => estimator.Fit(data));
        var shape = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => estimator.GetOutputSchema(SchemaShape.Create(data.Schema)));

        Assert.AreEqual("inputSchema", fit.ParamName);
        Assert.StartsWith("Could not find input column 'Missing'", fit.Message);
        Assert.StartsWith("Could not find input column 'Missing'", shape.Message);
    }

    [TestMethod]
    public void ChainFitFailsBeforeFittingAnythingWhenALaterStepCannotBind()
    {
        var source = new CountingEnumerable<XRow>([new XRow()]);
        IDataView data = _context.Data.LoadFromEnumerable(source);
        EstimatorChain<ColumnCopyingTransformer> pipeline = _context.Transforms.CopyColumns("A", "X")
            .Append(_context.Transforms.CopyColumns("C", "B"));

        var e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => pipeline.Fit(data));

        Assert.Contains("'B'", e.Message);
        Assert.AreEqual(0, source.Enumerations);
    }

    [TestMethod]
    public void TransformRejectsMissingColumnsAndTypesOtherThanFitted()
    {
        ColumnCopyingTransformer model = _context.Transforms.CopyColumns("Y", "X").Fit(_context.Data.LoadFromEnumerable(new[] { new XRow() }));

        var missing = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() =>
            model.Transform(_context.Data.LoadFromEnumerable(new[] { new XRow2 { Z = 1 } })));
        var mismatch = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() =>
            model.Transform(_context.Data.LoadFromEnumerable(new[] { new EnumerableDataViewTests.DoubleXRow() })));

        Assert.StartsWith("Could not find input column 'X'", missing.Message);
        Assert.AreEqual("inputSchema", mismatch.ParamName);
        Assert.StartsWith("Schema mismatch for input column 'X': expected Single, got Double", mismatch.Message);
    }

    [TestMethod]
    public void TransformIsLazyAndOnlyActiveColumnsAreRead()
    {
        var source = new CountingEnumerable<XYRow>(Enumerable.Range(0, 3).Select(i => new XYRow { X = i, Y = -i }).ToArray());
        IDataView data = _context.Data.LoadFromEnumerable(source);
        ColumnCopyingTransformer model = _context.Transforms.CopyColumns("Z", "Y").Fit(data);

        IDataView output = model.Transform(data);
        Assert.AreEqual(0, source.Enumerations, "Transform only checks the schema");

        using DataViewRowCursor cursor = output.GetRowCursor([output.Schema["Z"]]);
        Assert.IsTrue(cursor.IsColumnActive(output.Schema["Z"]));
        Assert.IsFalse(cursor.IsColumnActive(output.Schema["Y"]), "a dependency is read upstream but not exposed as active");
        Assert.ThrowsExactly<InvalidOperationException>(() => cursor.GetGetter<float>(output.Schema["X"]));
        Assert.ThrowsExactly<InvalidOperationException>(() => cursor.GetGetter<double>(output.Schema["Z"]));
        var values = new List<float>();
        while (cursor.MoveNext())
            values.Add(Read<float>(cursor, output.Schema["Z"]));

        CollectionAssert.AreEqual(new[] { 0f, -1f, -2f }, values);
        Assert.AreEqual(1, source.Enumerations);
    }

    [TestMethod]
    public void RowToRowMapperMapsSingleRows()
    {
        IDataView data = _context.Data.LoadFromEnumerable(new[] { new XYRow { X = 5, Y = 6 } });
        TransformerChain<ColumnCopyingTransformer> model = _context.Transforms.CopyColumns("A", "X")
            .Append(_context.Transforms.CopyColumns("B", "A"))
            .Fit(data);
        Assert.IsTrue(model.IsRowToRowMapper);

        IRowToRowMapper mapper = model.GetRowToRowMapper(data.Schema);
        DataViewSchema.Column b = mapper.OutputSchema["B"];
        DataViewSchema.Column[] needed = mapper.GetDependencies([b]).ToArray();
        Assert.AreEqual("X", needed.Single().Name);

        DataViewRowCursor input = data.GetRowCursor(needed);
        using DataViewRow row = mapper.GetRow(input, [b]);
        Assert.IsTrue(input.MoveNext());

        Assert.AreEqual(5f, Read<float>(row, b));
        Assert.AreEqual(0, row.Position, "the mapped row is a live view over the input row");
        Assert.IsFalse(row.IsColumnActive(mapper.OutputSchema["A"]));
    }

    [TestMethod]
    public void TransformersWithoutRowMappingSayWhy()
    {
        ITransformer plain = new PassThroughTransformer();
        var chain = new TransformerChain<ITransformer>(new ColumnCopyingTransformer(("B", "X")), plain);

        Assert.IsFalse(plain.IsRowToRowMapper);
        Assert.IsFalse(chain.IsRowToRowMapper);
        var e = Assert.ThrowsExactly<NotSupportedException>(() => plain.GetRowToRowMapper(_context.Data.LoadFromEnumerable(new[] { new XRow() }).Schema));
        Assert.Contains(nameof(PassThroughTransformer), e.Message);
        Assert.ThrowsExactly<NotSupportedException>(() => chain.GetRowToRowMapper(_context.Data.LoadFromEnumerable(new[] { new XRow() }).Schema));
    }

    [TestMethod]
    public void TransformerChainScopesSelectSubModels()
    {
        var chain = new TransformerChain<ITransformer>(
            [new ColumnCopyingTransformer(("A", "X")), new ColumnCopyingTransformer(("B", "X"))],
            [TransformerScope.Training, TransformerScope.Everything]);

        Assert.AreEqual(1, chain.GetModelFor(TransformerScope.Scoring).Count());
        Assert.AreEqual(2, chain.GetModelFor(TransformerScope.Training).Count());
        TransformerChain<ColumnCopyingTransformer> longer = chain.Append(new ColumnCopyingTransformer(("C", "B")));
        Assert.AreEqual(3, longer.Count());
        Assert.AreEqual("C", longer.LastTransformer.Columns[0].OutputColumnName);
    }

    private static T Read<T>(DataViewRow row, DataViewSchema.Column column)
    {
        T value = default!;
        row.GetGetter<T>(column)(ref value);
        return value;
    }

    public sealed class CopiedRow
    {
        public string Label { get; set; } = "";

        public string LabelCopy { get; set; } = "";

        public string LabelCopy2 { get; set; } = "";

        public float[] Pixels { get; set; } = [];

        public float[] PixelsCopy { get; set; } = [];
    }

    public sealed class XRow2
    {
        public float Z { get; set; }
    }

    private sealed class PassThroughTransformer : ITransformer
    {
        public DataViewSchema GetOutputSchema(DataViewSchema inputSchema) => inputSchema;

        public IDataView Transform(IDataView input) => input;
    }
}
