using System.Text.Json.Nodes;
using Microsoft.ML.Attribution.DataViews;
using Microsoft.ML.Attribution.Persistence;
using Microsoft.ML.Data;

namespace Microsoft.ML.Attribution.Transforms;

/// <summary>
/// Appends a pixel vector normalized per channel, (value · scale − mean[c]) / std[c], for <c>ApplyOnnxModel</c> and other consumers of
/// ImageNet-style inputs: ML.NET's <c>ExtractPixels</c> has one offset and one scale for all channels. The input is a Vector&lt;Single&gt;
/// with known dimensions [C, H, W] (planar) or [H, W, C] (interleaved); the output has the same type and layout.
/// </summary>
public sealed class PixelNormalizingTransformer : RowAppendingTransformerBase, IPersistentTransformer
{
    internal const string PersistedKind = "NormalizePixels";

    public PixelNormalizingTransformer(string outputColumnName, string inputColumnName, float[]? mean, float[]? std, float scale = 1,
        PixelLayout layout = PixelLayout.Planar)
    {
        ArgumentException.ThrowIfNullOrEmpty(outputColumnName);
        ArgumentException.ThrowIfNullOrEmpty(inputColumnName);
        if (!Enum.IsDefined(layout))
            throw new ArgumentOutOfRangeException(nameof(layout), layout, "Unknown pixel layout.");
        int channels = Math.Max(mean?.Length ?? 1, std?.Length ?? 1);
        _ = new PixelNormalization(scale, mean, std, channels);   // checks the values now, not at the first row
        OutputColumnName = outputColumnName;
        InputColumnName = inputColumnName;
        Mean = mean?.ToArray();
        Std = std?.ToArray();
        Scale = scale;
        Layout = layout;
    }

    public string OutputColumnName { get; }

    public string InputColumnName { get; }

    public float[]? Mean { get; }

    public float[]? Std { get; }

    public float Scale { get; }

    public PixelLayout Layout { get; }

    string IPersistentTransformer.Kind => PersistedKind;

    JsonObject IPersistentTransformer.Describe(ModelArchiveWriter archive) => new()
    {
        ["outputColumnName"] = OutputColumnName,
        ["inputColumnName"] = InputColumnName,
        ["mean"] = Mean is null ? null : new JsonArray(Mean.Select(v => (JsonNode?)v).ToArray()),
        ["std"] = Std is null ? null : new JsonArray(Std.Select(v => (JsonNode?)v).ToArray()),
        ["scale"] = Scale,
        ["layout"] = Layout.ToString(),
    };

    internal static PixelNormalizingTransformer Load(JsonObject options) => new(
        options["outputColumnName"]!.GetValue<string>(), options["inputColumnName"]!.GetValue<string>(),
        options["mean"]?.AsArray().Select(v => v!.GetValue<float>()).ToArray(), options["std"]?.AsArray().Select(v => v!.GetValue<float>()).ToArray(),
        options["scale"]!.GetValue<float>(), Enum.Parse<PixelLayout>(options["layout"]!.GetValue<string>()));

    protected override IReadOnlyList<DataViewSchema.DetachedColumn> GetOutputColumns(DataViewSchema inputSchema)
    {
        (VectorDataViewType type, _) = Resolve(inputSchema);
        return [new DataViewSchema.DetachedColumn(OutputColumnName, type)];
    }

    protected override IEnumerable<DataViewSchema.Column> GetDependencies(DataViewSchema inputSchema) => [inputSchema[InputColumnName]];

    protected override Delegate?[] CreateGetters(DataViewRow input, bool[] activeOutput, out Action? disposer)
    {
        (VectorDataViewType type, ModelInputShape shape) = Resolve(input.Schema);
        var normalization = new PixelNormalization(Scale, Mean, Std, shape.Channels);
        ValueGetter<VBuffer<float>> source = input.GetGetter<VBuffer<float>>(input.Schema[InputColumnName]);
        VBuffer<float> buffer = default;
        var planar = new float[shape.Length];
        disposer = null;
        return
        [
            (ValueGetter<VBuffer<float>>)((ref VBuffer<float> value) =>
            {
                source(ref buffer);
                var editor = VBufferEditor.Create(ref value, shape.Length);
                if (buffer.Length != shape.Length)
                {
                    // A row of the wrong size (sizes are known here, so only a broken upstream gets here) reads as missing.
                    editor.Values.Fill(float.NaN);
                    value = editor.Commit();
                    return;
                }
                buffer.CopyTo(planar);
                if (Layout == PixelLayout.Planar)
                    normalization.Apply(planar, shape.Channels);
                else
                    normalization.ApplyInterleaved(planar, shape.Channels);
                planar.CopyTo(editor.Values);
                value = editor.Commit();
            }),
        ];
    }

    private (VectorDataViewType Type, ModelInputShape Shape) Resolve(DataViewSchema schema)
    {
        DataViewSchema.Column column = SchemaShapes.Find(schema, InputColumnName);
        string expected = Layout == PixelLayout.Planar ? "Vector<Single, C, H, W>" : "Vector<Single, H, W, C>";
        if (column.Type is not VectorDataViewType { ItemType: NumberDataViewType item, IsKnownSize: true } vector || !item.Equals(NumberDataViewType.Single)
            || vector.Dimensions.Length != 3)
            throw DataViewErrors.SchemaMismatch(InputColumnName, expected, column.Type.ToString()!);
        int[] d = vector.Dimensions.ToArray();
        var shape = Layout == PixelLayout.Planar ? new ModelInputShape(d[0], d[1], d[2]) : new ModelInputShape(d[2], d[0], d[1]);
        foreach (float[]? perChannel in new[] { Mean, Std })
        {
            if (perChannel is { Length: > 1 } && perChannel.Length != shape.Channels)
                throw DataViewErrors.SchemaMismatch(InputColumnName, $"{expected} with {perChannel.Length} channels (one per mean/std value)", vector.ToString());
        }
        return (vector, shape);
    }
}
