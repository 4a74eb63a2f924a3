using Microsoft.ML.Attribution.Data;

namespace Microsoft.ML.Attribution.Transforms;

/// <summary>Turns images into pixel vectors (<c>Transforms.ExtractPixels</c>). Trivial: fitting only checks the schema.</summary>
public sealed class ImagePixelExtractingEstimator : IEstimator<ImagePixelExtractingTransformer>
{
    private readonly ImagePixelExtractingTransformer _transformer;

    /// <summary>
    /// <paramref name="mean"/> and <paramref name="std"/> hold one value per extracted plane, applied after offset and scale
    /// (e.g. ImageNet's 0.485, 0.456, 0.406 and 0.229, 0.224, 0.225 with scale 1/255).
    /// </summary>
    public ImagePixelExtractingEstimator(string outputColumnName, string? inputColumnName = null, ColorBits colorsToExtract = ColorBits.Rgb,
        ColorsOrder orderOfExtraction = ColorsOrder.ARGB, bool interleavePixelColors = false, float offsetImage = 0f, float scaleImage = 1f,
        bool outputAsFloatArray = true, IReadOnlyList<float>? mean = null, IReadOnlyList<float>? std = null) =>
        _transformer = new ImagePixelExtractingTransformer(outputColumnName, inputColumnName, colorsToExtract, orderOfExtraction,
            interleavePixelColors, offsetImage, scaleImage, outputAsFloatArray, mean, std);

    public ImagePixelExtractingTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        _transformer.GetOutputSchema(input.Schema);
        return _transformer;
    }

    /// <summary>Shapes carry no image sizes, so only the column's kind is checked here; the size is checked by <see cref="Fit"/>.</summary>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        SchemaShape.Column column = SchemaShapes.Find(inputSchema, _transformer.InputColumnName);
        if (column.Kind != SchemaShape.Column.VectorKind.Scalar || column.ItemType is not ImageDataViewType)
            throw DataViewErrors.SchemaMismatch(_transformer.InputColumnName, "Image", column.GetTypeString());
        return SchemaShapes.Append(inputSchema, SchemaShapes.Vector(_transformer.OutputColumnName,
            _transformer.OutputAsFloatArray ? NumberDataViewType.Single : NumberDataViewType.Byte));
    }
}
