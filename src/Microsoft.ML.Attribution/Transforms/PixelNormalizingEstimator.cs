using Microsoft.ML.Attribution.DataViews;

namespace Microsoft.ML.Attribution.Transforms;

/// <summary>Normalizes pixel vectors per channel (<c>Transforms.NormalizePixels</c>). Trivial: fitting only checks the schema.</summary>
public sealed class PixelNormalizingEstimator : IEstimator<PixelNormalizingTransformer>
{
    private readonly PixelNormalizingTransformer _transformer;

    public PixelNormalizingEstimator(PixelNormalizingTransformer transformer) => _transformer = transformer;

    public PixelNormalizingTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        _transformer.GetOutputSchema(input.Schema);
        return _transformer;
    }

    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        SchemaShape.Column input = SchemaShapes.RequireFloatVector(inputSchema, _transformer.InputColumnName);
        if (input.Kind != SchemaShape.Column.VectorKind.Vector)
            throw DataViewErrors.SchemaMismatch(_transformer.InputColumnName, "Vector<Single> of known size", SchemaShapes.Describe(input));
        return SchemaShapes.Append(inputSchema, SchemaShapes.Column(_transformer.OutputColumnName, input.Kind, input.ItemType));
    }
}
