using Microsoft.ML.Attribution.Data;

namespace Microsoft.ML.Attribution.Transforms;

/// <summary>
/// Loads images from the paths in a text column (<c>Transforms.LoadImages</c>). Trivial: fitting only checks the schema.
/// </summary>
public sealed class ImageLoadingEstimator : IEstimator<ImageLoadingTransformer>
{
    private readonly ImageLoadingTransformer _transformer;

    /// <summary>Relative paths start at <paramref name="imageFolder"/> (null: the current directory), which must exist if given.</summary>
    public ImageLoadingEstimator(string outputColumnName, string? imageFolder, string? inputColumnName = null) =>
        _transformer = new ImageLoadingTransformer(outputColumnName, imageFolder, inputColumnName);

    public ImageLoadingTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        _transformer.GetOutputSchema(input.Schema);
        return _transformer;
    }

    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        string input = _transformer.InputColumnName;
        if (!inputSchema.TryFindColumn(input, out SchemaShape.Column column))
            throw DataViewErrors.MissingInputColumn(input);
        if (column.Kind != SchemaShape.Column.VectorKind.Scalar || !column.ItemType.Equals(TextDataViewType.Instance))
            throw DataViewErrors.SchemaMismatch(input, "String", column.GetTypeString());
        return SchemaShapes.Append(inputSchema,
            new SchemaShape.Column(_transformer.OutputColumnName, SchemaShape.Column.VectorKind.Scalar, new ImageDataViewType(typeof(MLImage)), false),
            SchemaShapes.Text(_transformer.ErrorColumnName));
    }
}
