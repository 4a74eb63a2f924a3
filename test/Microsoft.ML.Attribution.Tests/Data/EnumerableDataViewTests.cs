using Microsoft.ML.Attribution.Data;

namespace Microsoft.ML.Attribution.Tests.Data;

[TestClass]
public sealed class EnumerableDataViewTests
{
    private readonly AttributionContext _context = new(seed: 1);

    [TestMethod]
    public void SchemaFollowsMembersAndAttributes()
    {
        DataViewSchema schema = _context.Data.LoadFromEnumerable(new[] { SampleRow.Make(1) }).Schema;

        CollectionAssert.AreEqual(
            new[] { "Score", "Weight", "Count", "Big", "Flag", "Tiny", "Label", "Pixels", "Tags", "Ragged", "renamed" },
            schema.Select(c => c.Name).ToArray(),
            "fields first, then properties in declaration order; [ColumnName] renames; [NoColumn] skips");
        Assert.AreEqual(NumberDataViewType.Single, schema["Score"].Type);
        Assert.AreEqual(NumberDataViewType.Double, schema["Weight"].Type);
        Assert.AreEqual(NumberDataViewType.Int32, schema["Count"].Type);
        Assert.AreEqual(NumberDataViewType.Int64, schema["Big"].Type);
        Assert.AreEqual(BooleanDataViewType.Instance, schema["Flag"].Type);
        Assert.AreEqual(NumberDataViewType.Byte, schema["Tiny"].Type);
        Assert.AreEqual(TextDataViewType.Instance, schema["Label"].Type);
        Assert.AreEqual(new VectorDataViewType(NumberDataViewType.Single, 2, 3), schema["Pixels"].Type);
        Assert.AreEqual(new VectorDataViewType(TextDataViewType.Instance), schema["Tags"].Type);
        Assert.AreEqual(new VectorDataViewType(NumberDataViewType.Int32), schema["Ragged"].Type);
    }

    [TestMethod]
    public void RoundTripPreservesScalarsTextAndVectors()
    {
        SampleRow[] rows = Enumerable.Range(0, 5).Select(SampleRow.Make).ToArray();
        IDataView view = _context.Data.LoadFromEnumerable(rows);

        SampleRow[] back = _context.Data.CreateEnumerable<SampleRow>(view, reuseRowObject: false).ToArray();

        Assert.HasCount(rows.Length, back);
        for (int i = 0; i < rows.Length; i++)
        {
            Assert.AreEqual(rows[i].Score, back[i].Score);
            Assert.AreEqual(rows[i].Weight, back[i].Weight);
            Assert.AreEqual(rows[i].Count, back[i].Count);
            Assert.AreEqual(rows[i].Big, back[i].Big);
            Assert.AreEqual(rows[i].Flag, back[i].Flag);
            Assert.AreEqual(rows[i].Tiny, back[i].Tiny);
            Assert.AreEqual(rows[i].Label, back[i].Label);
            Assert.AreEqual(rows[i].Original, back[i].Original);
            Assert.AreEqual(0, back[i].Ignored, "[NoColumn] members are not filled");
            CollectionAssert.AreEqual(rows[i].Pixels, back[i].Pixels);
            CollectionAssert.AreEqual(rows[i].Tags, back[i].Tags);
            CollectionAssert.AreEqual(rows[i].Ragged, back[i].Ragged);
            Assert.AreNotSame(rows[i].Pixels, back[i].Pixels, "values are copied, not aliased");
        }
        Assert.AreNotSame(back[0], back[1]);
    }

    [TestMethod]
    public void ReuseRowObjectRefillsOneInstance()
    {
        IDataView view = _context.Data.LoadFromEnumerable(Enumerable.Range(0, 3).Select(SampleRow.Make).ToArray());
        var seen = new List<(SampleRow Row, string Label, float First)>();

        foreach (SampleRow row in _context.Data.CreateEnumerable<SampleRow>(view, reuseRowObject: true))
            seen.Add((row, row.Label, row.Pixels[0]));

        Assert.AreSame(seen[0].Row, seen[2].Row);
        CollectionAssert.AreEqual(new[] { "row0", "row1", "row2" }, seen.Select(s => s.Label).ToArray());
        CollectionAssert.AreEqual(new[] { 0f, 10f, 20f }, seen.Select(s => s.First).ToArray());
    }

    [TestMethod]
    public void GettersServeRawTypes()
    {
        IDataView view = _context.Data.LoadFromEnumerable(new[] { SampleRow.Make(2) });
        DataViewSchema schema = view.Schema;
        using DataViewRowCursor cursor = view.GetRowCursor([schema["Label"], schema["Pixels"]]);
        ValueGetter<ReadOnlyMemory<char>> label = cursor.GetGetter<ReadOnlyMemory<char>>(schema["Label"]);
        ValueGetter<VBuffer<float>> pixels = cursor.GetGetter<VBuffer<float>>(schema["Pixels"]);

        Assert.IsTrue(cursor.MoveNext());
        ReadOnlyMemory<char> text = default;
        VBuffer<float> vector = default;
        label(ref text);
        pixels(ref vector);

        Assert.AreEqual("row2", text.ToString());
        Assert.AreEqual(6, vector.Length);
        Assert.AreEqual(25f, vector.GetItemOrDefault(5));
        Assert.AreEqual(0, cursor.Position);
        Assert.IsFalse(cursor.MoveNext());
        Assert.AreEqual(-1, cursor.Position);
    }

    [TestMethod]
    public void CursorsAreLazyAndEachOneReEnumeratesTheSource()
    {
        var source = new CountingEnumerable<XRow>(Enumerable.Range(0, 4).Select(i => new XRow { X = i }).ToArray());

        IDataView view = _context.Data.LoadFromEnumerable(source);
        DataViewRowCursor first = view.GetRowCursor(view.Schema);
        DataViewRowCursor second = view.GetRowCursor(view.Schema);
        Assert.AreEqual(0, source.Enumerations, "neither loading nor opening cursors enumerates");

        float[] a = ReadX(first);
        float[] b = ReadX(second);

        Assert.AreEqual(2, source.Enumerations);
        CollectionAssert.AreEqual(new[] { 0f, 1f, 2f, 3f }, a);
        CollectionAssert.AreEqual(a, b, "two cursors with the same arguments see the same values");

        IEnumerable<XRow> back = _context.Data.CreateEnumerable<XRow>(view, reuseRowObject: false);
        Assert.AreEqual(2, source.Enumerations, "CreateEnumerable is lazy too");
        Assert.AreEqual(4, back.Count());
        Assert.AreEqual(1, back.Take(1).Count());
        Assert.AreEqual(4, source.Enumerations);
        Assert.AreEqual(4 + 4 + 4 + 1, source.ItemsYielded, "Take(1) stops after one row");
    }

    [TestMethod]
    public void ReadingAnInactiveColumnThrows()
    {
        IDataView view = _context.Data.LoadFromEnumerable(new[] { SampleRow.Make(0) });
        using DataViewRowCursor cursor = view.GetRowCursor([view.Schema["Score"]]);

        Assert.IsTrue(cursor.IsColumnActive(view.Schema["Score"]));
        Assert.IsFalse(cursor.IsColumnActive(view.Schema["Label"]));
        var e = Assert.ThrowsExactly<InvalidOperationException>(() => cursor.GetGetter<ReadOnlyMemory<char>>(view.Schema["Label"]));
        Assert.Contains("'Label'", e.Message);
    }

    [TestMethod]
    public void GetterTypeMismatchNamesColumnAndBothTypes()
    {
        IDataView view = _context.Data.LoadFromEnumerable(new[] { SampleRow.Make(0) });
        using DataViewRowCursor cursor = view.GetRowCursor(view.Schema);

        var scalar = Assert.ThrowsExactly<InvalidOperationException>(() => cursor.GetGetter<double>(view.Schema["Score"]));
        var vector = Assert.ThrowsExactly<InvalidOperationException>(() => cursor.GetGetter<float[]>(view.Schema["Pixels"]));
        var text = Assert.ThrowsExactly<InvalidOperationException>(() => cursor.GetGetter<string>(view.Schema["Label"]));

        Assert.Contains("'Score'", scalar.Message);
        Assert.Contains("Single", scalar.Message);
        Assert.Contains("Double", scalar.Message);
        Assert.Contains("'Pixels'", vector.Message);
        Assert.Contains("VBuffer<Single>", vector.Message);
        Assert.Contains("ReadOnlyMemory<Char>", text.Message);
    }

    [TestMethod]
    public void ColumnsOfAnotherSchemaAreRejected()
    {
        IDataView view = _context.Data.LoadFromEnumerable(new[] { new XRow() });
        IDataView other = _context.Data.LoadFromEnumerable(new[] { SampleRow.Make(0) });

        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => view.GetRowCursor([other.Schema["Label"]]));
    }

    [TestMethod]
    public void ReadingBeforeMoveNextThrowsAndIdsFollowPositions()
    {
        IDataView view = _context.Data.LoadFromEnumerable(new[] { new XRow { X = 1 }, new XRow { X = 2 } });
        using DataViewRowCursor cursor = view.GetRowCursor(view.Schema);
        ValueGetter<float> x = cursor.GetGetter<float>(view.Schema["X"]);
        ValueGetter<DataViewRowId> id = cursor.GetIdGetter();
        float value = 0;
        DataViewRowId rowId = default;

        Assert.ThrowsExactly<InvalidOperationException>(() => x(ref value));
        Assert.IsTrue(cursor.MoveNext());
        Assert.IsTrue(cursor.MoveNext());
        id(ref rowId);

        Assert.AreEqual(new DataViewRowId(1, 0), rowId);
    }

    [TestMethod]
    public void RowCountIsKnownForCollectionsOnly()
    {
        Assert.AreEqual(3L, _context.Data.LoadFromEnumerable(new XRow[] { new(), new(), new() }).GetRowCount());
        Assert.IsNull(_context.Data.LoadFromEnumerable(Enumerable.Range(0, 3).Select(_ => new XRow())).GetRowCount());
    }

    [TestMethod]
    public void KnownSizeVectorRejectsRowsOfAnotherLength()
    {
        SampleRow bad = SampleRow.Make(0);
        bad.Pixels = new float[5];
        IDataView view = _context.Data.LoadFromEnumerable(new[] { bad });
        using DataViewRowCursor cursor = view.GetRowCursor([view.Schema["Pixels"]]);
        ValueGetter<VBuffer<float>> pixels = cursor.GetGetter<VBuffer<float>>(view.Schema["Pixels"]);
        VBuffer<float> value = default;
        Assert.IsTrue(cursor.MoveNext());

        var e = Assert.ThrowsExactly<InvalidOperationException>(() => pixels(ref value));
        Assert.Contains("Vector<Single, 2, 3>", e.Message);
    }

    [TestMethod]
    public void UnsupportedMemberTypesAreRejectedUpFront()
    {
        var e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => _context.Data.LoadFromEnumerable(new[] { new DateRow() }));
        Assert.Contains("When", e.Message);
    }

    [TestMethod]
    public void CreateEnumerableChecksColumnsEagerly()
    {
        IDataView view = _context.Data.LoadFromEnumerable(new[] { new XRow { X = 3 } });

        var missing = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => _context.Data.CreateEnumerable<XYRow>(view, false));
        Assert.Contains("Could not find column 'Y'", missing.Message);
        XYRow partial = _context.Data.CreateEnumerable<XYRow>(view, false, ignoreMissingColumns: true).Single();
        Assert.AreEqual(3f, partial.X);
        Assert.AreEqual(0f, partial.Y);

        var mismatch = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => _context.Data.CreateEnumerable<DoubleXRow>(view, false));
        Assert.Contains("Schema mismatch for column 'X'", mismatch.Message);
    }

    [TestMethod]
    public void DataViewTypeAttributeLetsFeaturesDefineColumnTypes()
    {
        var images = new[] { new ImageRow { Image = new FakeImage { Id = 1 } }, new ImageRow() };
        IDataView view = _context.Data.LoadFromEnumerable(images);

        Assert.AreEqual(new ImageDataViewType(typeof(FakeImage), 4, 5), view.Schema["Image"].Type);
        ImageRow[] back = _context.Data.CreateEnumerable<ImageRow>(view, false).ToArray();
        Assert.AreSame(images[0].Image, back[0].Image);
        Assert.IsNull(back[1].Image, "a missing image stays null");
    }

    private static float[] ReadX(DataViewRowCursor cursor)
    {
        using (cursor)
        {
            ValueGetter<float> getter = cursor.GetGetter<float>(cursor.Schema["X"]);
            var values = new List<float>();
            while (cursor.MoveNext())
            {
                float x = 0;
                getter(ref x);
                values.Add(x);
            }
            return values.ToArray();
        }
    }

    public sealed class DateRow
    {
        public DateTime When { get; set; }
    }

    public sealed class DoubleXRow
    {
        public double X { get; set; }
    }
}
