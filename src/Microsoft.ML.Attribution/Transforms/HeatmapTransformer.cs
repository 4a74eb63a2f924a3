using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.ML.Attribution.DataViews;
using Microsoft.ML.Attribution.Imaging;
using Microsoft.ML.Attribution.Persistence;
using TorchSharp;
using Microsoft.ML.Attribution.Tensors;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms.Image;
using static TorchSharp.torch;

namespace Microsoft.ML.Attribution.Transforms;

/// <summary>
/// Writes one heatmap image per row — the map colored and, if an image column is given, blended over the image — and appends the written
/// file's path (text, empty when nothing was written) and an error text (output + "Error"). A file is written when its row's path is
/// first read (lazily, like every transform), so reading the column is what produces the images.
/// </summary>
/// <remarks>
/// Bad rows do not throw: a missing map (NaN values), a missing image, or a file that cannot be written leave the path empty and give the
/// reason in the error column. A constant map is drawn as all zeros.
/// </remarks>
public sealed class HeatmapTransformer : RowAppendingTransformerBase, IPersistentTransformer
{
    internal const string PersistedKind = "Heatmap";

    private readonly HeatmapOptions _options;

    public HeatmapTransformer(HeatmapOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Copy();
        ArgumentException.ThrowIfNullOrEmpty(_options.OutputColumnName, nameof(options.OutputColumnName));
        ArgumentException.ThrowIfNullOrEmpty(_options.MapColumnName, nameof(options.MapColumnName));
        ArgumentException.ThrowIfNullOrEmpty(_options.OutputFolder, nameof(options.OutputFolder));
        ArgumentException.ThrowIfNullOrEmpty(_options.Format, nameof(options.Format));
        _options.ToStyle().Validate();
        _options.Format = _options.Format.TrimStart('.');
    }

    /// <summary>A copy of the options.</summary>
    public HeatmapOptions Options => _options.Copy();

    public string ErrorColumnName => _options.OutputColumnName + "Error";

    string IPersistentTransformer.Kind => PersistedKind;

    JsonObject IPersistentTransformer.Describe(ModelArchiveWriter archive) => ModelArchiveJson.ToObject(_options);

    internal static HeatmapTransformer Load(JsonObject options) => new(ModelArchiveJson.FromObject<HeatmapOptions>(options));

    protected override IReadOnlyList<DataViewSchema.DetachedColumn> GetOutputColumns(DataViewSchema inputSchema)
    {
        MapSize(inputSchema);
        if (_options.ImageColumnName is string image)
        {
            DataViewSchema.Column column = SchemaShapes.Find(inputSchema, image);
            if (column.Type is not ImageDataViewType)
                throw DataViewErrors.SchemaMismatch(image, "Image", column.Type.ToString()!);
        }
        if (_options.NameColumnName is string name && SchemaShapes.Find(inputSchema, name).Type is not TextDataViewType)
            throw DataViewErrors.SchemaMismatch(name, "String", SchemaShapes.Find(inputSchema, name).Type.ToString()!);
        return
        [
            new DataViewSchema.DetachedColumn(_options.OutputColumnName, TextDataViewType.Instance),
            new DataViewSchema.DetachedColumn(ErrorColumnName, TextDataViewType.Instance),
        ];
    }

    protected override IEnumerable<DataViewSchema.Column> GetDependencies(DataViewSchema inputSchema)
    {
        yield return inputSchema[_options.MapColumnName];
        if (_options.ImageColumnName is string image)
            yield return inputSchema[image];
        if (_options.NameColumnName is string name)
            yield return inputSchema[name];
    }

    protected override Delegate?[] CreateGetters(DataViewRow input, bool[] activeOutput, out Action? disposer)
    {
        (int height, int width) = MapSize(input.Schema);
        ValueGetter<VBuffer<float>> mapGetter = input.GetGetter<VBuffer<float>>(input.Schema[_options.MapColumnName]);
        ValueGetter<MLImage>? imageGetter = _options.ImageColumnName is string image ? input.GetGetter<MLImage>(input.Schema[image]) : null;
        ValueGetter<ReadOnlyMemory<char>>? nameGetter = _options.NameColumnName is string name ? input.GetGetter<ReadOnlyMemory<char>>(input.Schema[name]) : null;
        VBuffer<float> map = default;
        var cache = new RowCache<(string Path, string Error)>(input, () =>
        {
            mapGetter(ref map);
            MLImage? background = null;
            if (imageGetter is not null)
            {
                MLImage value = null!;
                try
                {
                    imageGetter(ref value);
                }
                catch (Exception e) when (UpstreamErrors.IsRowError(e))
                {
                    return ("", UpstreamErrors.Describe(e, _options.ImageColumnName!));
                }
                if (value is null)
                    return ("", $"Missing image: column '{_options.ImageColumnName}' is missing for this row.");
                background = value;
            }
            string stem = RowName(nameGetter, input.Position);
            return Write(map, height, width, background, stem);
        });
        disposer = null;
        return
        [
            (ValueGetter<ReadOnlyMemory<char>>)((ref ReadOnlyMemory<char> value) => value = cache.Get().Path.AsMemory()),
            (ValueGetter<ReadOnlyMemory<char>>)((ref ReadOnlyMemory<char> value) => value = cache.Get().Error.AsMemory()),
        ];
    }

    private (string Path, string Error) Write(VBuffer<float> map, int height, int width, MLImage? background, string stem)
    {
        if (map.Length != height * width)
            return ("", $"Missing map: column '{_options.MapColumnName}' holds {map.Length} values, expected {height}×{width}.");
        var values = new float[map.Length];
        map.CopyTo(values);
        if (values.Any(v => !float.IsFinite(v)))
            return ("", $"Missing map: column '{_options.MapColumnName}' holds NaN or infinite values (the row could not be explained).");
        HeatmapStyle style = _options.ToStyle();
        ScaledMap scaled = style.Scale(values);
        string path = Path.Combine(_options.OutputFolder, stem + _options.FileSuffix + "." + _options.Format);
        try
        {
            Directory.CreateDirectory(_options.OutputFolder);
            using DisposeScope scope = NewDisposeScope();
            Tensor picture = background is null
                ? Heatmap.Render(tensor(scaled.Values, [height, width]), scaled.Colormap)
                : Heatmap.Overlay(RgbTensor(background), scaled, height, width, style);
            ImageIO.Save(path, picture);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return ("", $"Cannot write '{path}': {e.Message}");
        }
        return (path, "");
    }

    /// <summary>The background as a uint8 [H, W, 3] tensor at its own size (the overlay scales the map to it).</summary>
    private static Tensor RgbTensor(MLImage image) =>
        tensor(MLImagePixels.ToRgb(image, image.Height, image.Width), [image.Height, image.Width, 3]);

    private static string RowName(ValueGetter<ReadOnlyMemory<char>>? nameGetter, long position)
    {
        if (nameGetter is not null)
        {
            ReadOnlyMemory<char> name = default;
            nameGetter(ref name);
            string stem = Path.GetFileNameWithoutExtension(name.ToString());
            if (stem.Length > 0)
                return stem;
        }
        return "row-" + position.ToString("D5", CultureInfo.InvariantCulture);
    }

    private (int Height, int Width) MapSize(DataViewSchema schema)
    {
        DataViewSchema.Column map = SchemaShapes.Find(schema, _options.MapColumnName);
        if (map.Type is VectorDataViewType { ItemType: NumberDataViewType item, IsKnownSize: true } vector && item.Equals(NumberDataViewType.Single))
        {
            int[] d = vector.Dimensions.ToArray();
            if (d.Length == 2)
                return (d[0], d[1]);
            if (d.Length == 3 && d[0] == 1)
                return (d[1], d[2]);
        }
        throw DataViewErrors.SchemaMismatch(_options.MapColumnName, "Vector<Single, H, W> (a reduced map)", map.Type.ToString()!);
    }
}
