namespace Microsoft.ML.Attribution.Data;

/// <summary>Something that learns (or merely validates) from data and produces a transformer.</summary>
public interface IEstimator<out TTransformer>
    where TTransformer : ITransformer
{
    /// <summary>Trains on <paramref name="input"/>, or for trivial estimators only checks its schema.</summary>
    TTransformer Fit(IDataView input);

    /// <summary>Propagates schemas without data; throws <see cref="ArgumentOutOfRangeException"/> when an input column is missing or of the wrong type.</summary>
    SchemaShape GetOutputSchema(SchemaShape inputSchema);
}
