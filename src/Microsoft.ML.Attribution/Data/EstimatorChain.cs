namespace Microsoft.ML.Attribution.Data;

/// <summary>
/// An immutable sequence of estimators. <see cref="Append{TNewTrans}"/> returns a new chain; <see cref="Fit"/> checks the whole chain's schema
/// first, then fits each estimator on the output of the transformers fitted before it.
/// </summary>
public sealed class EstimatorChain<TLastTransformer> : IEstimator<TransformerChain<TLastTransformer>>
    where TLastTransformer : class, ITransformer
{
    private readonly IEstimator<ITransformer>[] _estimators;
    private readonly TransformerScope[] _scopes;

    /// <summary>An empty chain, to start appending to.</summary>
    public EstimatorChain()
        : this(Array.Empty<IEstimator<ITransformer>>(), Array.Empty<TransformerScope>())
    {
    }

    private EstimatorChain(IEstimator<ITransformer>[] estimators, TransformerScope[] scopes)
    {
        _estimators = estimators;
        _scopes = scopes;
        LastEstimator = estimators.Length == 0 ? null : (IEstimator<TLastTransformer>)estimators[^1];
    }

    /// <summary>The last estimator, or null for an empty chain.</summary>
    public IEstimator<TLastTransformer>? LastEstimator { get; }

    public EstimatorChain<TNewTrans> Append<TNewTrans>(IEstimator<TNewTrans> estimator, TransformerScope scope = TransformerScope.Everything)
        where TNewTrans : class, ITransformer
    {
        ArgumentNullException.ThrowIfNull(estimator);
        return new EstimatorChain<TNewTrans>([.. _estimators, estimator], [.. _scopes, scope]);
    }

    public TransformerChain<TLastTransformer> Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        // Fail before any (possibly expensive) fitting if a later step cannot accept an earlier step's output.
        GetOutputSchema(SchemaShape.Create(input.Schema));

        var transformers = new ITransformer[_estimators.Length];
        IDataView current = input;
        for (int i = 0; i < _estimators.Length; i++)
        {
            transformers[i] = _estimators[i].Fit(current);
            if (i < _estimators.Length - 1)
                current = transformers[i].Transform(current);
        }
        return new TransformerChain<TLastTransformer>(transformers, _scopes);
    }

    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        SchemaShape shape = inputSchema;
        foreach (IEstimator<ITransformer> estimator in _estimators)
            shape = estimator.GetOutputSchema(shape);
        return shape;
    }
}
