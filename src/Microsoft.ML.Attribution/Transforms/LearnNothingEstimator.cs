namespace Microsoft.ML.Attribution.Transforms;

/// <summary>
/// An estimator whose transformer needs no data: fitting checks the input schema against the transformer made up front and returns it.
/// Subclasses describe their output <see cref="SchemaShape"/> (ML.NET's own base for this, <c>TrivialEstimator</c>, has internal members).
/// </summary>
public abstract class LearnNothingEstimator<TTransformer> : IEstimator<TTransformer>
    where TTransformer : class, ITransformer
{
    private protected LearnNothingEstimator(TTransformer transformer) => Transformer = transformer;

    private protected TTransformer Transformer { get; }

    public TTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        Transformer.GetOutputSchema(input.Schema);
        return Transformer;
    }

    public abstract SchemaShape GetOutputSchema(SchemaShape inputSchema);
}
