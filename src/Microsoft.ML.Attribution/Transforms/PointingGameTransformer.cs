using System.Text.Json.Nodes;
using Microsoft.ML.Attribution.DataViews;
using Microsoft.ML.Attribution.Datasets;
using Microsoft.ML.Attribution.Metrics;
using Microsoft.ML.Attribution.Persistence;
using Microsoft.ML.Data;

namespace Microsoft.ML.Attribution.Transforms;

/// <summary>
/// Appends the pointing game's outcome per row (TorchRay's rule, as <see cref="Metrics.PointingGame"/>): the map's first maximum in row-major
/// order is a hit (output column, Boolean) when a pixel of some box lies strictly within <see cref="Tolerance"/> pixels of it. Also appends
/// the maximum's location (output + "MaxPoint": [column u, row v]) and an error text (output + "Error", empty for good rows).
/// </summary>
/// <remarks>
/// <para>The map column is a known-size Vector&lt;Single, H, W&gt; (or [1, H, W]). The boxes column is a Vector&lt;Single&gt; of
/// (xMin, yMin, xMax, yMax) quadruples in 0-based inclusive pixels <b>of the map</b> (rescale boxes when images were resized); boxes are
/// clipped to the map. The per-class protocol of a dataset (difficult pairs, maps resized back to the original image) is the CLI's
/// <c>evaluate</c>.</para>
/// <para>Bad rows do not throw: a missing map (NaN values: the row could not be explained), no boxes, a box count that is not a multiple of 4,
/// a malformed box, or a box lying entirely outside the map give hit = false, MaxPoint NaN where unknown, and the reason in the error column.</para>
/// </remarks>
public sealed class PointingGameTransformer : RowAppendingTransformerBase, IPersistentTransformer
{
    internal const string PersistedKind = "PointingGame";

    public PointingGameTransformer(string outputColumnName, string mapColumnName, string boxesColumnName, double tolerance = Metrics.PointingGame.DefaultTolerance)
    {
        ArgumentException.ThrowIfNullOrEmpty(outputColumnName);
        ArgumentException.ThrowIfNullOrEmpty(mapColumnName);
        ArgumentException.ThrowIfNullOrEmpty(boxesColumnName);
        if (!(tolerance > 0) || !double.IsFinite(tolerance))
            throw new ArgumentOutOfRangeException(nameof(tolerance), tolerance, "The tolerance must be a positive number of pixels.");
        OutputColumnName = outputColumnName;
        MapColumnName = mapColumnName;
        BoxesColumnName = boxesColumnName;
        Tolerance = tolerance;
    }

    public string OutputColumnName { get; }

    public string MapColumnName { get; }

    public string BoxesColumnName { get; }

    /// <summary>Radius in map pixels of the acceptance disc (strict inequality).</summary>
    public double Tolerance { get; }

    public string MaxPointColumnName => OutputColumnName + "MaxPoint";

    public string ErrorColumnName => OutputColumnName + "Error";

    string IPersistentTransformer.Kind => PersistedKind;

    JsonObject IPersistentTransformer.Describe(ModelArchiveWriter archive) => new()
    {
        ["outputColumnName"] = OutputColumnName,
        ["mapColumnName"] = MapColumnName,
        ["boxesColumnName"] = BoxesColumnName,
        ["tolerance"] = Tolerance,
    };

    internal static PointingGameTransformer Load(JsonObject options) => new(
        options["outputColumnName"]!.GetValue<string>(), options["mapColumnName"]!.GetValue<string>(),
        options["boxesColumnName"]!.GetValue<string>(), options["tolerance"]!.GetValue<double>());

    /// <summary>Scores one map [H, W] (row-major) against boxes given as quadruples; the same rule and errors as the columns.</summary>
    public PointingGameRowResult Score(ReadOnlySpan<float> map, int height, int width, ReadOnlySpan<float> boxes)
    {
        if (map.Length != height * width)
            return PointingGameRowResult.Failed($"Missing map: {map.Length} values, expected {height}×{width}.");
        var values = new double[map.Length];
        for (int i = 0; i < map.Length; i++)
        {
            if (!float.IsFinite(map[i]))
                return PointingGameRowResult.Failed($"Missing map: column '{MapColumnName}' holds NaN or infinite values (the row could not be explained).");
            values[i] = map[i];
        }
        ImagePoint point = Metrics.PointingGame.MaximumOf(new Map2D(values, height, width));
        if (boxes.Length == 0)
            return PointingGameRowResult.Failed($"No boxes: column '{BoxesColumnName}' is empty.", point);
        if (boxes.Length % 4 != 0)
            return PointingGameRowResult.Failed($"Malformed boxes: column '{BoxesColumnName}' holds {boxes.Length} values, not (xMin, yMin, xMax, yMax) quadruples.", point);
        var parsed = new BoundingBox[boxes.Length / 4];
        for (int k = 0; k < parsed.Length; k++)
        {
            float x0 = boxes[4 * k], y0 = boxes[4 * k + 1], x1 = boxes[4 * k + 2], y1 = boxes[4 * k + 3];
            if (!float.IsFinite(x0) || !float.IsFinite(y0) || !float.IsFinite(x1) || !float.IsFinite(y1) || x1 < x0 || y1 < y0)
                return PointingGameRowResult.Failed($"Malformed box {k}: ({x0}, {y0}, {x1}, {y1}) is not finite with max ≥ min.", point);
            parsed[k] = new BoundingBox(x0, y0, x1, y1);
            if (parsed[k].PixelRange(width, height) is null)
                return PointingGameRowResult.Failed($"Box outside the image: box {k} {parsed[k]} has no pixel inside the {width}×{height} map.", point);
        }
        return new PointingGameRowResult(Metrics.PointingGame.Hits(point, parsed, width, height, Tolerance), point, "");
    }

    protected override IReadOnlyList<DataViewSchema.DetachedColumn> GetOutputColumns(DataViewSchema inputSchema)
    {
        MapSize(inputSchema);
        DataViewSchema.Column boxes = SchemaShapes.Find(inputSchema, BoxesColumnName);
        if (boxes.Type is not VectorDataViewType { ItemType: NumberDataViewType item } || !item.Equals(NumberDataViewType.Single))
            throw DataViewErrors.SchemaMismatch(BoxesColumnName, "Vector<Single>", boxes.Type.ToString()!);
        return
        [
            new DataViewSchema.DetachedColumn(OutputColumnName, BooleanDataViewType.Instance),
            new DataViewSchema.DetachedColumn(MaxPointColumnName, new VectorDataViewType(NumberDataViewType.Single, 2)),
            new DataViewSchema.DetachedColumn(ErrorColumnName, TextDataViewType.Instance),
        ];
    }

    protected override IEnumerable<DataViewSchema.Column> GetDependencies(DataViewSchema inputSchema) =>
        [inputSchema[MapColumnName], inputSchema[BoxesColumnName]];

    protected override Delegate?[] CreateGetters(DataViewRow input, bool[] activeOutput, out Action? disposer)
    {
        (int height, int width) = MapSize(input.Schema);
        ValueGetter<VBuffer<float>> mapGetter = input.GetGetter<VBuffer<float>>(input.Schema[MapColumnName]);
        ValueGetter<VBuffer<float>> boxesGetter = input.GetGetter<VBuffer<float>>(input.Schema[BoxesColumnName]);
        VBuffer<float> map = default, boxes = default;
        var dense = new float[height * width];
        var cache = new RowCache<PointingGameRowResult>(input, () =>
        {
            mapGetter(ref map);
            boxesGetter(ref boxes);
            if (map.Length != dense.Length)
                return PointingGameRowResult.Failed($"Missing map: column '{MapColumnName}' holds {map.Length} values, expected {height}×{width}.");
            map.CopyTo(dense);
            var boxValues = new float[boxes.Length];
            boxes.CopyTo(boxValues);
            return Score(dense, height, width, boxValues);
        });
        disposer = null;
        return
        [
            (ValueGetter<bool>)((ref bool value) => value = cache.Get().Hit),
            (ValueGetter<VBuffer<float>>)((ref VBuffer<float> value) =>
            {
                ImagePoint? point = cache.Get().MaxPoint;
                var editor = VBufferEditor.Create(ref value, 2);
                editor.Values[0] = point is ImagePoint p ? (float)p.Column : float.NaN;
                editor.Values[1] = point is ImagePoint q ? (float)q.Row : float.NaN;
                value = editor.Commit();
            }),
            (ValueGetter<ReadOnlyMemory<char>>)((ref ReadOnlyMemory<char> value) => value = cache.Get().Error.AsMemory()),
        ];
    }

    private (int Height, int Width) MapSize(DataViewSchema schema)
    {
        DataViewSchema.Column map = SchemaShapes.Find(schema, MapColumnName);
        if (map.Type is VectorDataViewType { ItemType: NumberDataViewType item, IsKnownSize: true } vector && item.Equals(NumberDataViewType.Single))
        {
            int[] d = vector.Dimensions.ToArray();
            if (d.Length == 2)
                return (d[0], d[1]);
            if (d.Length == 3 && d[0] == 1)
                return (d[1], d[2]);
        }
        throw DataViewErrors.SchemaMismatch(MapColumnName, "Vector<Single, H, W> (a reduced map)", map.Type.ToString()!);
    }
}
