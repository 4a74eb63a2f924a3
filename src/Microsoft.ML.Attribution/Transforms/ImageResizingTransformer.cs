using Microsoft.ML.Attribution.Data;
using Microsoft.ML.Attribution.Imaging;
using Microsoft.ML.Attribution.Torch;
using static Microsoft.ML.Attribution.Torch.torch;

namespace Microsoft.ML.Attribution.Transforms;

/// <summary>
/// Appends images resized to <see cref="ImageWidth"/> × <see cref="ImageHeight"/> (bilinear, OpenCV, half-pixel centers). A missing
/// (null) image stays missing. Resizing a valid image cannot fail, so this transform has no error column.
/// </summary>
[LoadableTransformer(LoaderKind)]
public sealed class ImageResizingTransformer : RowToRowTransformerBase
{
    private const string LoaderKind = "ResizeImages";

    public ImageResizingTransformer(string outputColumnName, int imageWidth, int imageHeight, string? inputColumnName = null,
        ResizingKind resizing = ResizingKind.IsoCrop, Anchor cropAnchor = Anchor.Center)
    {
        ArgumentException.ThrowIfNullOrEmpty(outputColumnName);
        ArgumentOutOfRangeException.ThrowIfLessThan(imageWidth, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(imageHeight, 1);
        if (!Enum.IsDefined(resizing)) throw new ArgumentOutOfRangeException(nameof(resizing), resizing, "Unknown resizing kind.");
        if (!Enum.IsDefined(cropAnchor)) throw new ArgumentOutOfRangeException(nameof(cropAnchor), cropAnchor, "Unknown anchor.");
        OutputColumnName = outputColumnName;
        InputColumnName = string.IsNullOrEmpty(inputColumnName) ? outputColumnName : inputColumnName;
        ImageWidth = imageWidth;
        ImageHeight = imageHeight;
        Resizing = resizing;
        CropAnchor = cropAnchor;
    }

    public string OutputColumnName { get; }

    public string InputColumnName { get; }

    public int ImageWidth { get; }

    public int ImageHeight { get; }

    public ResizingKind Resizing { get; }

    public Anchor CropAnchor { get; }

    public override void Save(ModelSaveContext ctx)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        ctx.SetKind(LoaderKind);
        ctx.SetProperty("outputColumnName", OutputColumnName);
        ctx.SetProperty("inputColumnName", InputColumnName);
        ctx.SetProperty("imageWidth", ImageWidth);
        ctx.SetProperty("imageHeight", ImageHeight);
        ctx.SetProperty("resizing", Resizing);
        ctx.SetProperty("cropAnchor", CropAnchor);
    }

    public static ITransformer Load(ModelLoadContext ctx)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        ctx.CheckVersion(1);
        return new ImageResizingTransformer(ctx.GetProperty<string>("outputColumnName"), ctx.GetProperty<int>("imageWidth"),
            ctx.GetProperty<int>("imageHeight"), ctx.GetProperty<string>("inputColumnName"), ctx.GetProperty<ResizingKind>("resizing"),
            ctx.GetProperty<Anchor>("cropAnchor"));
    }

    /// <summary>Resizes one image as this transformer does (a new image; the input is unchanged).</summary>
    public MLImage Resize(MLImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        using DisposeScope scope = NewDisposeScope();
        Tensor rgba = image.ToRgbaTensor();
        Tensor result = Resizing switch
        {
            ResizingKind.Fill => ImageResize.Resize(rgba, ImageHeight, ImageWidth),
            ResizingKind.IsoCrop => Crop(rgba),
            _ => Pad(rgba),
        };
        return MLImage.FromRgbaTensor(result);
    }

    protected override IReadOnlyList<DataViewSchema.DetachedColumn> GetOutputColumns(DataViewSchema inputSchema)
    {
        DataViewSchema.Column input = SchemaShapes.Find(inputSchema, InputColumnName);
        if (input.Type is not ImageDataViewType || input.Type.RawType != typeof(MLImage))
            throw DataViewErrors.SchemaMismatch(InputColumnName, "Image", input.Type.ToString()!);
        return [new DataViewSchema.DetachedColumn(OutputColumnName, new ImageDataViewType(typeof(MLImage), ImageHeight, ImageWidth))];
    }

    protected override IEnumerable<DataViewSchema.Column> GetDependencies(DataViewSchema inputSchema) => [inputSchema[InputColumnName]];

    protected override Delegate?[] CreateGetters(DataViewRow input, bool[] activeOutput, out Action? disposer)
    {
        ValueGetter<MLImage> source = input.GetGetter<MLImage>(input.Schema[InputColumnName]);
        var cache = new RowCache<MLImage?>(input, () =>
        {
            MLImage image = null!;
            source(ref image);
            return image is null ? null : Resize(image);
        });
        disposer = null;
        return [(ValueGetter<MLImage>)((ref MLImage value) => value = cache.Get()!)];
    }

    // Scale so the image covers the target, then cut the target out at the anchor.
    private Tensor Crop(Tensor rgba)
    {
        int height = (int)rgba.shape[0], width = (int)rgba.shape[1];
        double scale = Math.Max((double)ImageWidth / width, (double)ImageHeight / height);
        int scaledWidth = Math.Max(ImageWidth, (int)Math.Round(width * scale)), scaledHeight = Math.Max(ImageHeight, (int)Math.Round(height * scale));
        Tensor scaled = ImageResize.Resize(rgba, scaledHeight, scaledWidth);
        (int left, int top) = Offsets(scaledWidth - ImageWidth, scaledHeight - ImageHeight);
        return scaled.narrow(0, top, ImageHeight).narrow(1, left, ImageWidth).contiguous();
    }

    // Scale so the image fits inside the target, then place it at the anchor on opaque black.
    private Tensor Pad(Tensor rgba)
    {
        int height = (int)rgba.shape[0], width = (int)rgba.shape[1];
        double scale = Math.Min((double)ImageWidth / width, (double)ImageHeight / height);
        int scaledWidth = Math.Clamp((int)Math.Round(width * scale), 1, ImageWidth), scaledHeight = Math.Clamp((int)Math.Round(height * scale), 1, ImageHeight);
        Tensor scaled = ImageResize.Resize(rgba, scaledHeight, scaledWidth);
        (int left, int top) = Offsets(ImageWidth - scaledWidth, ImageHeight - scaledHeight);
        Tensor canvas = zeros([ImageHeight, ImageWidth, 4], ScalarType.Byte);
        canvas.narrow(2, 3, 1).fill_(255);
        canvas.narrow(0, top, scaledHeight).narrow(1, left, scaledWidth).copy_(scaled);
        return canvas;
    }

    // Center on both axes, except that the anchor's axis is pushed to its side.
    private (int Left, int Top) Offsets(int spareWidth, int spareHeight)
    {
        int left = CropAnchor switch { Anchor.Left => 0, Anchor.Right => spareWidth, _ => spareWidth / 2 };
        int top = CropAnchor switch { Anchor.Top => 0, Anchor.Bottom => spareHeight, _ => spareHeight / 2 };
        return (left, top);
    }
}
