using Microsoft.ML.Attribution.DataViews;
using Microsoft.ML.Data;

namespace Microsoft.ML.Attribution.Transforms;

/// <summary>Scores maps with the pointing game (<c>Transforms.PointingGame</c>). Trivial: fitting only checks the schema.</summary>
public sealed class PointingGameEstimator : IEstimator<PointingGameTransformer>
{
    private readonly PointingGameTransformer _transformer;

    public PointingGameEstimator(string outputColumnName, string mapColumnName, string boxesColumnName, double tolerance = Metrics.PointingGame.DefaultTolerance) =>
        _transformer = new PointingGameTransformer(outputColumnName, mapColumnName, boxesColumnName, tolerance);

    public PointingGameTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        _transformer.GetOutputSchema(input.Schema);
        return _transformer;
    }

    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        SchemaShape.Column map = SchemaShapes.RequireFloatVector(inputSchema, _transformer.MapColumnName);
        if (map.Kind != SchemaShape.Column.VectorKind.Vector)
            throw DataViewErrors.SchemaMismatch(_transformer.MapColumnName, "Vector<Single, H, W>", SchemaShapes.Describe(map));
        SchemaShapes.RequireFloatVector(inputSchema, _transformer.BoxesColumnName);
        string output = _transformer.OutputColumnName;
        return SchemaShapes.Append(inputSchema,
            SchemaShapes.Scalar(output, BooleanDataViewType.Instance),
            SchemaShapes.Vector(_transformer.MaxPointColumnName, NumberDataViewType.Single),
            SchemaShapes.Text(_transformer.ErrorColumnName));
    }
}
