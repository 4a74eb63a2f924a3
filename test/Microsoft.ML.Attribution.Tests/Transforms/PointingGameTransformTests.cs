using Microsoft.ML.Attribution.DataViews;
using Microsoft.ML.Data;
using Microsoft.ML.Attribution.Transforms;

namespace Microsoft.ML.Attribution.Tests.Transforms;

[TestClass]
public sealed class PointingGameTransformTests
{
    private readonly MLContext _context = new(seed: 1);

    private static float[] MapWithPeak(int row, int column)
    {
        var map = new float[10 * 10];
        map[row * 10 + column] = 5;
        return map;
    }

    [TestMethod]
    public void HitsWithinTheToleranceAndReportsTheMaximum()
    {
        MapRow[] rows =
        [
            new() { Map = MapWithPeak(2, 3), Boxes = [2, 1, 4, 3] },              // peak inside the box
            new() { Map = MapWithPeak(8, 8), Boxes = [0, 0, 2, 2] },              // far away
            new() { Map = MapWithPeak(5, 5), Boxes = [0, 0, 2, 2, 7, 5, 9, 6] },  // 2 px from the second box
        ];
        IDataView data = _context.Data.LoadFromEnumerable(rows);

        IDataView strict = _context.Transforms.PointingGame("Pointing", "Map", "Boxes", tolerance: 2).Fit(data).Transform(data);
        IDataView loose = _context.Transforms.PointingGame("Pointing", "Map", "Boxes", tolerance: 2.5).Fit(data).Transform(data);

        CollectionAssert.AreEqual(new[] { true, false, false }, TransformFixtures.Column<bool>(strict, "Pointing").ToArray(), "strict inequality: 2 px is not < 2");
        CollectionAssert.AreEqual(new[] { true, false, true }, TransformFixtures.Column<bool>(loose, "Pointing").ToArray());
        List<float[]> points = TransformFixtures.Vectors(strict, "PointingMaxPoint");
        CollectionAssert.AreEqual(new float[] { 3, 2 }, points[0], "(column u, row v)");
        CollectionAssert.AreEqual(new float[] { 8, 8 }, points[1]);
        Assert.IsTrue(TransformFixtures.Texts(strict, "PointingError").All(e => e == ""));
        Assert.AreEqual(BooleanDataViewType.Instance, strict.Schema["Pointing"].Type);
        Assert.AreEqual("Vector<Single, 2>", strict.Schema["PointingMaxPoint"].Type.ToString());
    }

    [TestMethod]
    public void BadRowsGetTheDocumentedErrors()
    {
        float[] nan = MapWithPeak(1, 1);
        nan[7] = float.NaN;
        MapRow[] rows =
        [
            new() { Map = nan, Boxes = [0, 0, 3, 3] },
            new() { Map = MapWithPeak(1, 1), Boxes = [] },
            new() { Map = MapWithPeak(1, 1), Boxes = [0, 0, 3] },
            new() { Map = MapWithPeak(1, 1), Boxes = [5, 5, 2, 2] },
            new() { Map = MapWithPeak(1, 1), Boxes = [0, 0, 3, 3, 12, 12, 20, 20] },
            new() { Map = MapWithPeak(1, 1), Boxes = [-5, -5, 1, 1] },           // partly outside: clipped, still a hit
        ];
        IDataView data = _context.Data.LoadFromEnumerable(rows);
        IDataView output = _context.Transforms.PointingGame("Pointing", "Map", "Boxes").Fit(data).Transform(data);

        List<string> errors = TransformFixtures.Texts(output, "PointingError");
        List<bool> hits = TransformFixtures.Column<bool>(output, "Pointing");
        List<float[]> points = TransformFixtures.Vectors(output, "PointingMaxPoint");
        StringAssert.StartsWith(errors[0], "Missing map: ");
        StringAssert.StartsWith(errors[1], "No boxes: ");
        StringAssert.StartsWith(errors[2], "Malformed boxes: column 'Boxes' holds 3 values");
        StringAssert.StartsWith(errors[3], "Malformed box 0: ");
        StringAssert.StartsWith(errors[4], "Box outside the image: box 1 [12, 12, 20, 20] has no pixel inside the 10×10 map.");
        Assert.AreEqual("", errors[5]);
        CollectionAssert.AreEqual(new[] { false, false, false, false, false, true }, hits.ToArray());
        Assert.IsTrue(points[0].All(float.IsNaN), "no maximum of a missing map");
        CollectionAssert.AreEqual(new float[] { 1, 1 }, points[4], "the maximum is still reported when the boxes are bad");
    }

    [TestMethod]
    public void RejectsMapsThatAreNotReducedAndBoxesThatAreNotFloatVectors()
    {
        IDataView data = _context.Data.LoadFromEnumerable(new[] { new LooseRow { Pixels = new float[4] } });
        var map = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => _context.Transforms.PointingGame("P", "Pixels", "Pixels").Fit(data));
        StringAssert.StartsWith(map.Message, "Schema mismatch for input column 'Pixels': expected Vector<Single, H, W> (a reduced map), got Vector<Single>");
        IDataView maps = _context.Data.LoadFromEnumerable(new[] { new MapRow() });
        var boxes = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => _context.Transforms.PointingGame("P", "Map", "Label").Fit(maps));
        StringAssert.StartsWith(boxes.Message, "Schema mismatch for input column 'Label': expected Vector<Single>, got Int32");
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => _context.Transforms.PointingGame("P", "Map", "Boxes", tolerance: 0));
    }
}

public sealed class MapRow
{
    [VectorType(10, 10)]
    public float[] Map { get; set; } = new float[100];

    public float[] Boxes { get; set; } = [];

    public int Label { get; set; }
}
