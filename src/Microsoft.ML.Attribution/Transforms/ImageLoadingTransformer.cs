using Microsoft.ML.Attribution.Data;

namespace Microsoft.ML.Attribution.Transforms;

/// <summary>
/// Appends an image column (<see cref="MLImage"/> of unknown size) loaded from the paths in a text column, and a text column
/// <see cref="ErrorColumnName"/> (output name + "Error"). Lazy: a file is read when its image is read.
/// </summary>
/// <remarks>
/// Bad rows do not throw: a missing file, a file that is not an image or is corrupt, or an empty path gives a missing (null) image, and the
/// error column says why (it is empty for good rows). ML.NET throws from the getter instead, which ends the whole enumeration at the first
/// bad file. Downstream transforms pass a missing image on as missing (see <see cref="AttributionCatalog"/>).
/// </remarks>
[LoadableTransformer(LoaderKind)]
public sealed class ImageLoadingTransformer : RowToRowTransformerBase
{
    private const string LoaderKind = "LoadImages";

    public ImageLoadingTransformer(string outputColumnName, string? imageFolder, string? inputColumnName = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(outputColumnName);
        if (imageFolder is not null && !Directory.Exists(imageFolder))
            throw new ArgumentException($"The image folder '{imageFolder}' does not exist.", nameof(imageFolder));
        OutputColumnName = outputColumnName;
        InputColumnName = string.IsNullOrEmpty(inputColumnName) ? outputColumnName : inputColumnName;
        ImageFolder = imageFolder;
    }

    public string OutputColumnName { get; }

    public string InputColumnName { get; }

    /// <summary>Where relative paths start (null: the current directory).</summary>
    public string? ImageFolder { get; }

    /// <summary>Empty for rows whose image loaded, otherwise the reason it did not.</summary>
    public string ErrorColumnName => OutputColumnName + "Error";

    public override void Save(ModelSaveContext ctx)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        ctx.SetKind(LoaderKind);
        ctx.SetProperty("outputColumnName", OutputColumnName);
        ctx.SetProperty("inputColumnName", InputColumnName);
        ctx.SetProperty("imageFolder", ImageFolder is null ? null : ctx.MakePathReference(ImageFolder));
    }

    public static ITransformer Load(ModelLoadContext ctx)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        ctx.CheckVersion(1);
        string? folder = ctx.GetOptionalProperty<string>("imageFolder");
        return new ImageLoadingTransformer(ctx.GetProperty<string>("outputColumnName"), folder is null ? null : ctx.ResolvePath(folder),
            ctx.GetProperty<string>("inputColumnName"));
    }

    protected override IReadOnlyList<DataViewSchema.DetachedColumn> GetOutputColumns(DataViewSchema inputSchema)
    {
        DataViewSchema.Column input = SchemaShapes.Find(inputSchema, InputColumnName);
        if (input.Type is not TextDataViewType)
            throw DataViewErrors.SchemaMismatch(InputColumnName, "String", input.Type.ToString()!);
        return
        [
            new DataViewSchema.DetachedColumn(OutputColumnName, new ImageDataViewType(typeof(MLImage))),
            new DataViewSchema.DetachedColumn(ErrorColumnName, TextDataViewType.Instance),
        ];
    }

    protected override IEnumerable<DataViewSchema.Column> GetDependencies(DataViewSchema inputSchema) => [inputSchema[InputColumnName]];

    protected override Delegate?[] CreateGetters(DataViewRow input, bool[] activeOutput, out Action? disposer)
    {
        ValueGetter<ReadOnlyMemory<char>> path = input.GetGetter<ReadOnlyMemory<char>>(input.Schema[InputColumnName]);
        // Both columns come from one load per row: cache it by position.
        var cache = new RowCache<(MLImage? Image, string Error)>(input, () =>
        {
            ReadOnlyMemory<char> text = default;
            path(ref text);
            return LoadRow(text.ToString());
        });
        disposer = null;
        return
        [
            activeOutput[0] ? (ValueGetter<MLImage>)((ref MLImage value) => value = cache.Get().Image!) : null,
            activeOutput[1] ? (ValueGetter<ReadOnlyMemory<char>>)((ref ReadOnlyMemory<char> value) => value = cache.Get().Error.AsMemory()) : null,
        ];
    }

    private (MLImage? Image, string Error) LoadRow(string path)
    {
        if (string.IsNullOrWhiteSpace(path))
            return (null, $"No image: column '{InputColumnName}' is empty.");
        string full = ImageFolder is null ? path : Path.Combine(ImageFolder, path);
        try
        {
            return (MLImage.CreateFromFile(full), "");
        }
        catch (FileNotFoundException)
        {
            return (null, $"Missing file: no image at '{full}'.");
        }
        catch (InvalidDataException e)
        {
            return (null, $"Corrupt image: {e.Message}");
        }
    }
}
