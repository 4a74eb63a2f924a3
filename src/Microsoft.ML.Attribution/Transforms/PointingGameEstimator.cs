using Microsoft.ML.Attribution.DataViews;
using Microsoft.ML.Data;

namespace Microsoft.ML.Attribution.Transforms;

/// <summary>Scores maps with the pointing game (<c>Transforms.PointingGame</c>). Trivial: fitting only checks the schema.</summary>
public sealed class PointingGameEstimator : LearnNothingEstimator<PointingGameTransformer>
{
    public PointingGameEstimator(string outputColumnName, string mapColumnName, string boxesColumnName, double tolerance = Metrics.PointingGame.DefaultTolerance)
        : base(new PointingGameTransformer(outputColumnName, mapColumnName, boxesColumnName, tolerance))
    {
    }

    public override SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        SchemaShape.Column map = SchemaShapes.RequireFloatVector(inputSchema, Transformer.MapColumnName);
        if (map.Kind != SchemaShape.Column.VectorKind.Vector)
            throw DataViewErrors.SchemaMismatch(Transformer.MapColumnName, "Vector<Single, H, W>", SchemaShapes.Describe(map));
        SchemaShapes.RequireFloatVector(inputSchema, Transformer.BoxesColumnName);
        string output = Transformer.OutputColumnName;
        return SchemaShapes.Append(inputSchema,
            SchemaShapes.Scalar(output, BooleanDataViewType.Instance),
            SchemaShapes.Vector(Transformer.MaxPointColumnName, NumberDataViewType.Single),
            SchemaShapes.Text(Transformer.ErrorColumnName));
    }
}
