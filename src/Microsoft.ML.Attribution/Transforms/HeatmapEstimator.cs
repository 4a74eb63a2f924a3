using Microsoft.ML.Attribution.DataViews;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms.Image;

namespace Microsoft.ML.Attribution.Transforms;

/// <summary>Writes heatmap images of maps (<c>Transforms.Heatmap</c>). Trivial: fitting only checks the schema.</summary>
public sealed class HeatmapEstimator : LearnNothingEstimator<HeatmapTransformer>
{
    public HeatmapEstimator(HeatmapOptions options)
        : base(new HeatmapTransformer(options))
    {
    }

    public override SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        HeatmapOptions options = Transformer.Options;
        SchemaShapes.RequireFloatVector(inputSchema, options.MapColumnName);
        if (options.ImageColumnName is string image && SchemaShapes.Find(inputSchema, image).ItemType is not ImageDataViewType)
            throw DataViewErrors.SchemaMismatch(image, "Image", SchemaShapes.Describe(SchemaShapes.Find(inputSchema, image)));
        if (options.NameColumnName is string name && !SchemaShapes.Find(inputSchema, name).ItemType.Equals(TextDataViewType.Instance))
            throw DataViewErrors.SchemaMismatch(name, "String", SchemaShapes.Describe(SchemaShapes.Find(inputSchema, name)));
        return SchemaShapes.Append(inputSchema, SchemaShapes.Text(options.OutputColumnName), SchemaShapes.Text(Transformer.ErrorColumnName));
    }
}
