using Microsoft.ML.Attribution.DataViews;
using Microsoft.ML.Attribution.Methods;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms.Image;

namespace Microsoft.ML.Attribution.Transforms;

/// <summary>
/// Appends attribution maps computed by an attribution method on an ONNX model (<c>Transforms.Explain</c> and the per-method shortcuts).
/// Trivial: nothing is learned; fitting imports the model, creates the method (so bad options fail here) and checks the schema.
/// </summary>
public sealed class ExplainEstimator : IEstimator<ExplainTransformer>
{
    private readonly ExplainOptions _options;

    public ExplainEstimator(ExplainOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Copy();
        ExplainTransformer.CheckOptions(_options);
    }

    /// <summary>A copy of the options the transformer will be created with.</summary>
    public ExplainOptions Options => _options.Copy();

    public ExplainTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var transformer = new ExplainTransformer(_options);
        try
        {
            transformer.GetOutputSchema(input.Schema);
        }
        catch
        {
            transformer.Dispose();
            throw;
        }
        return transformer;
    }

    /// <summary>
    /// Checks the input (an image or a Vector&lt;Single&gt;) and target columns' kinds and types and reports the appended columns, so that
    /// <c>EstimatorChain.Fit</c> and downstream estimators see them; sizes are checked against the model by <see cref="Fit"/>.
    /// </summary>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        SchemaShape.Column input = SchemaShapes.Find(inputSchema, _options.InputColumnName);
        if (!(input.Kind == SchemaShape.Column.VectorKind.Scalar && input.ItemType is ImageDataViewType))
            SchemaShapes.RequireFloatVector(inputSchema, _options.InputColumnName, "Image or Vector<Single>");
        if (_options.TargetColumnName is string targetName)
        {
            SchemaShape.Column target = SchemaShapes.Find(inputSchema, targetName);
            bool integer = target.ItemType.Equals(NumberDataViewType.Int32) || target.ItemType.Equals(NumberDataViewType.Int64)
                || (target.IsKey && target.ItemType.Equals(NumberDataViewType.UInt32));
            if (target.Kind != SchemaShape.Column.VectorKind.Scalar || !integer)
                throw DataViewErrors.SchemaMismatch(targetName, "Int32, Int64 or Key<UInt32>", SchemaShapes.Describe(target));
        }
        string output = _options.OutputColumnName;
        return SchemaShapes.Append(inputSchema,
            SchemaShapes.Vector(output, NumberDataViewType.Single, knownSize: !_options.KeepChannels),
            SchemaShapes.Scalar(output + ExplainTransformer.TargetSuffix, NumberDataViewType.Int32),
            SchemaShapes.Scalar(output + ExplainTransformer.LogitSuffix, NumberDataViewType.Single),
            SchemaShapes.Text(output + ExplainTransformer.ErrorSuffix));
    }

    internal static void RequireMethod(string method)
    {
        if (!MethodRegistry.Contains(method))
            throw new ArgumentException($"Unknown attribution method '{method}'. Known methods: {string.Join(", ", MethodRegistry.Names)}.", nameof(method));
    }
}
