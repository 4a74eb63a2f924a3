using Microsoft.ML.Attribution.Data;

namespace Microsoft.ML.Attribution.Transforms;

/// <summary>Resizes images to a fixed size (<c>Transforms.ResizeImages</c>). Trivial: fitting only checks the schema.</summary>
public sealed class ImageResizingEstimator : IEstimator<ImageResizingTransformer>
{
    private readonly ImageResizingTransformer _transformer;

    /// <remarks>Width comes before height, as in ML.NET.</remarks>
    public ImageResizingEstimator(string outputColumnName, int imageWidth, int imageHeight, string? inputColumnName = null,
        ResizingKind resizing = ResizingKind.IsoCrop, Anchor cropAnchor = Anchor.Center) =>
        _transformer = new ImageResizingTransformer(outputColumnName, imageWidth, imageHeight, inputColumnName, resizing, cropAnchor);

    public ImageResizingTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        _transformer.GetOutputSchema(input.Schema);
        return _transformer;
    }

    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        SchemaShape.Column column = SchemaShapes.Find(inputSchema, _transformer.InputColumnName);
        if (column.Kind != SchemaShape.Column.VectorKind.Scalar || column.ItemType is not ImageDataViewType)
            throw DataViewErrors.SchemaMismatch(_transformer.InputColumnName, "Image", column.GetTypeString());
        return SchemaShapes.Append(inputSchema, SchemaShapes.Scalar(_transformer.OutputColumnName,
            new ImageDataViewType(typeof(MLImage), _transformer.ImageHeight, _transformer.ImageWidth)));
    }
}
