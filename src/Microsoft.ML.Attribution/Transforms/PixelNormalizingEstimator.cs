using Microsoft.ML.Attribution.DataViews;

namespace Microsoft.ML.Attribution.Transforms;

/// <summary>Normalizes pixel vectors per channel (<c>Transforms.NormalizePixels</c>). Trivial: fitting only checks the schema.</summary>
public sealed class PixelNormalizingEstimator : LearnNothingEstimator<PixelNormalizingTransformer>
{
    public PixelNormalizingEstimator(PixelNormalizingTransformer transformer)
        : base(transformer)
    {
    }

    public override SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        SchemaShape.Column input = SchemaShapes.RequireFloatVector(inputSchema, Transformer.InputColumnName);
        if (input.Kind != SchemaShape.Column.VectorKind.Vector)
            throw DataViewErrors.SchemaMismatch(Transformer.InputColumnName, "Vector<Single> of known size", SchemaShapes.Describe(input));
        return SchemaShapes.Append(inputSchema, SchemaShapes.Column(Transformer.OutputColumnName, input.Kind, input.ItemType));
    }
}
