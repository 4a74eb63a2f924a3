using Microsoft.ML.Attribution.Data;

namespace Microsoft.ML.Attribution.Transforms;

/// <summary>
/// Appends a vector of pixel values per image: planar <c>[planes, H, W]</c> (the default, what CNNs take) or interleaved
/// <c>[H, W, planes]</c>. Float values are <c>((pixel − offset) · scale − mean[k]) / std[k]</c> for plane k; ML.NET has only the global
/// offset and scale, so the per-channel mean/std that ImageNet-style models need is the addition here. Byte output takes raw pixels.
/// </summary>
/// <remarks>
/// The input must be an image column of known size (resize first). A missing (null) image gives a vector of NaN — float's missing value —
/// rather than ML.NET's zeros, so that a missing image is never explained as if it were a black one; byte output gives zeros.
/// </remarks>
[LoadableTransformer(LoaderKind)]
public sealed class ImagePixelExtractingTransformer : RowToRowTransformerBase
{
    private const string LoaderKind = "ExtractPixels";

    private readonly float[]? _mean;
    private readonly float[]? _std;

    public ImagePixelExtractingTransformer(string outputColumnName, string? inputColumnName = null, ColorBits colorsToExtract = ColorBits.Rgb,
        ColorsOrder orderOfExtraction = ColorsOrder.ARGB, bool interleavePixelColors = false, float offsetImage = 0f, float scaleImage = 1f,
        bool outputAsFloatArray = true, IReadOnlyList<float>? mean = null, IReadOnlyList<float>? std = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(outputColumnName);
        if (colorsToExtract == 0 || (colorsToExtract & ~ColorBits.All) != 0)
            throw new ArgumentOutOfRangeException(nameof(colorsToExtract), colorsToExtract, "Extract at least one of Alpha, Red, Green, Blue.");
        if (!Enum.IsDefined(orderOfExtraction))
            throw new ArgumentOutOfRangeException(nameof(orderOfExtraction), orderOfExtraction, "Unknown color order.");
        if (!float.IsFinite(offsetImage) || !float.IsFinite(scaleImage) || scaleImage == 0)
            throw new ArgumentOutOfRangeException(nameof(scaleImage), $"offset ({offsetImage}) must be finite and scale ({scaleImage}) finite and non-zero.");
        OutputColumnName = outputColumnName;
        InputColumnName = string.IsNullOrEmpty(inputColumnName) ? outputColumnName : inputColumnName;
        ColorsToExtract = colorsToExtract;
        OrderOfExtraction = orderOfExtraction;
        InterleavePixelColors = interleavePixelColors;
        OffsetImage = offsetImage;
        ScaleImage = scaleImage;
        OutputAsFloatArray = outputAsFloatArray;
        Planes = PlaneChannels(colorsToExtract, orderOfExtraction);
        (_mean, _std) = CheckNormalization(mean, std, Planes.Length, outputAsFloatArray);
        if (!outputAsFloatArray && (offsetImage != 0 || scaleImage != 1))
            throw new ArgumentException("Offset and scale apply to float output only; byte output takes raw pixels.", nameof(outputAsFloatArray));
    }

    public string OutputColumnName { get; }

    public string InputColumnName { get; }

    public ColorBits ColorsToExtract { get; }

    public ColorsOrder OrderOfExtraction { get; }

    public bool InterleavePixelColors { get; }

    public float OffsetImage { get; }

    public float ScaleImage { get; }

    public bool OutputAsFloatArray { get; }

    public IReadOnlyList<float>? Mean => _mean;

    public IReadOnlyList<float>? Std => _std;

    /// <summary>For each output plane, the byte offset of its channel within an RGBA pixel (R 0, G 1, B 2, A 3).</summary>
    internal int[] Planes { get; }

    public override void Save(ModelSaveContext ctx)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        ctx.SetKind(LoaderKind);
        ctx.SetProperty("outputColumnName", OutputColumnName);
        ctx.SetProperty("inputColumnName", InputColumnName);
        ctx.SetProperty("colorsToExtract", (int)ColorsToExtract);
        ctx.SetProperty("orderOfExtraction", OrderOfExtraction);
        ctx.SetProperty("interleavePixelColors", InterleavePixelColors);
        ctx.SetProperty("offsetImage", OffsetImage);
        ctx.SetProperty("scaleImage", ScaleImage);
        ctx.SetProperty("outputAsFloatArray", OutputAsFloatArray);
        ctx.SetProperty("mean", _mean);
        ctx.SetProperty("std", _std);
    }

    public static ITransformer Load(ModelLoadContext ctx)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        ctx.CheckVersion(1);
        return new ImagePixelExtractingTransformer(ctx.GetProperty<string>("outputColumnName"), ctx.GetProperty<string>("inputColumnName"),
            (ColorBits)ctx.GetProperty<int>("colorsToExtract"), ctx.GetProperty<ColorsOrder>("orderOfExtraction"),
            ctx.GetProperty<bool>("interleavePixelColors"), ctx.GetProperty<float>("offsetImage"), ctx.GetProperty<float>("scaleImage"),
            ctx.GetProperty<bool>("outputAsFloatArray"), ctx.GetOptionalProperty<float[]>("mean"), ctx.GetOptionalProperty<float[]>("std"));
    }

    protected override IReadOnlyList<DataViewSchema.DetachedColumn> GetOutputColumns(DataViewSchema inputSchema)
    {
        DataViewSchema.Column input = SchemaShapes.Find(inputSchema, InputColumnName);
        if (input.Type is not ImageDataViewType image || image.RawType != typeof(MLImage))
            throw DataViewErrors.SchemaMismatch(InputColumnName, "Image", input.Type.ToString()!);
        if (!image.IsKnownSize)
            throw DataViewErrors.SchemaMismatch(InputColumnName, "known-size image", "unknown-size image");
        PrimitiveDataViewType item = OutputAsFloatArray ? NumberDataViewType.Single : NumberDataViewType.Byte;
        int[] dimensions = InterleavePixelColors ? [image.Height, image.Width, Planes.Length] : [Planes.Length, image.Height, image.Width];
        return [new DataViewSchema.DetachedColumn(OutputColumnName, new VectorDataViewType(item, dimensions))];
    }

    protected override IEnumerable<DataViewSchema.Column> GetDependencies(DataViewSchema inputSchema) => [inputSchema[InputColumnName]];

    protected override Delegate?[] CreateGetters(DataViewRow input, bool[] activeOutput, out Action? disposer)
    {
        DataViewSchema.Column column = input.Schema[InputColumnName];
        var type = (ImageDataViewType)column.Type;
        ValueGetter<MLImage> source = input.GetGetter<MLImage>(column);
        disposer = null;
        int size = Planes.Length * type.Height * type.Width;
        return OutputAsFloatArray
            ? [(ValueGetter<VBuffer<float>>)((ref VBuffer<float> value) => value = Extract(Read(source), type, size, value, ToFloat, float.NaN))]
            : [(ValueGetter<VBuffer<byte>>)((ref VBuffer<byte> value) => value = Extract(Read(source), type, size, value, (b, _) => b, (byte)0))];
    }

    private static MLImage? Read(ValueGetter<MLImage> source)
    {
        MLImage image = null!;
        source(ref image);
        return image;
    }

    private float ToFloat(byte pixel, int plane)
    {
        float v = (pixel - OffsetImage) * ScaleImage;
        return _mean is null ? v : (v - _mean[plane]) / _std![plane];
    }

    private VBuffer<T> Extract<T>(MLImage? image, ImageDataViewType type, int size, VBuffer<T> buffer, Func<byte, int, T> convert, T missing)
    {
        var editor = VBufferEditor.Create(ref buffer, size);
        Span<T> values = editor.Values;
        if (image is null)
        {
            values.Fill(missing);
            return editor.Commit();
        }
        if (image.Height != type.Height || image.Width != type.Width)
            throw new InvalidOperationException($"Column '{InputColumnName}' is declared {type} but holds a {image.Height}×{image.Width} image.");
        ReadOnlySpan<byte> rgba = image.Pixels;
        int pixels = type.Height * type.Width, planes = Planes.Length;
        for (int k = 0; k < planes; k++)
        {
            int channel = Planes[k];
            for (int p = 0; p < pixels; p++)
            {
                int at = InterleavePixelColors ? p * planes + k : k * pixels + p;
                values[at] = convert(rgba[p * 4 + channel], k);
            }
        }
        return editor.Commit();
    }

    private static int[] PlaneChannels(ColorBits bits, ColorsOrder order)
    {
        string letters = order.ToString();
        var planes = new List<int>();
        foreach (char letter in letters)
        {
            (ColorBits bit, int channel) = letter switch
            {
                'A' => (ColorBits.Alpha, 3),
                'R' => (ColorBits.Red, 0),
                'G' => (ColorBits.Green, 1),
                _ => (ColorBits.Blue, 2),
            };
            if ((bits & bit) != 0)
                planes.Add(channel);
        }
        return planes.ToArray();
    }

    private static (float[]?, float[]?) CheckNormalization(IReadOnlyList<float>? mean, IReadOnlyList<float>? std, int planes, bool isFloat)
    {
        if (mean is null && std is null)
            return (null, null);
        if (!isFloat)
            throw new ArgumentException("Mean and std apply to float output only.", nameof(mean));
        float[] m = mean?.ToArray() ?? new float[planes];
        float[] s = std?.ToArray() ?? Enumerable.Repeat(1f, planes).ToArray();
        if (m.Length != planes || s.Length != planes)
            throw new ArgumentException($"mean has {m.Length} and std has {s.Length} values, but {planes} planes are extracted: give one per plane.",
                m.Length != planes ? nameof(mean) : nameof(std));
        if (m.Any(v => !float.IsFinite(v)))
            throw new ArgumentOutOfRangeException(nameof(mean), $"Every mean must be finite, got [{string.Join(", ", m)}].");
        if (s.Any(v => !(v > 0) || !float.IsFinite(v)))
            throw new ArgumentOutOfRangeException(nameof(std), $"Every std must be positive and finite, got [{string.Join(", ", s)}].");
        return (m, s);
    }
}
