using System.Collections;

namespace Microsoft.ML.Attribution.Data;

/// <summary>
/// Transformers applied in order, each tagged with a <see cref="TransformerScope"/>. Immutable; disposing the chain disposes the
/// transformers that are <see cref="IDisposable"/>.
/// </summary>
public sealed class TransformerChain<TLastTransformer> : ITransformer, IEnumerable<ITransformer>, IDisposable
    where TLastTransformer : class, ITransformer
{
    private readonly ITransformer[] _transformers;
    private readonly TransformerScope[] _scopes;

    /// <summary>A chain of <paramref name="transformers"/>, all in scope <see cref="TransformerScope.Everything"/>.</summary>
    public TransformerChain(params ITransformer[] transformers)
        : this(transformers, transformers?.Select(_ => TransformerScope.Everything) ?? throw new ArgumentNullException(nameof(transformers)))
    {
    }

    public TransformerChain(IEnumerable<ITransformer> transformers, IEnumerable<TransformerScope> scopes)
    {
        ArgumentNullException.ThrowIfNull(transformers);
        ArgumentNullException.ThrowIfNull(scopes);
        _transformers = transformers.ToArray();
        _scopes = scopes.ToArray();
        if (_scopes.Length != _transformers.Length)
            throw new ArgumentException($"Got {_scopes.Length} scopes for {_transformers.Length} transformers.", nameof(scopes));
        if (_transformers.Any(t => t is null))
            throw new ArgumentException("A transformer chain cannot contain null.", nameof(transformers));
        if (_transformers.Length == 0)
        {
            LastTransformer = null!;
        }
        else
        {
            LastTransformer = _transformers[^1] as TLastTransformer
                ?? throw new ArgumentException($"The last transformer is a {_transformers[^1].GetType().Name}, not a {typeof(TLastTransformer).Name}.", nameof(transformers));
        }
    }

    /// <summary>The last transformer (null only for an empty chain).</summary>
    public TLastTransformer LastTransformer { get; }

    public bool IsRowToRowMapper => _transformers.All(t => t.IsRowToRowMapper);

    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        DataViewSchema schema = inputSchema;
        foreach (ITransformer transformer in _transformers)
            schema = transformer.GetOutputSchema(schema);
        return schema;
    }

    public IDataView Transform(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        // Propagate the schema through every step first, so a mismatch anywhere fails here rather than at cursor time.
        GetOutputSchema(input.Schema);
        IDataView current = input;
        foreach (ITransformer transformer in _transformers)
            current = transformer.Transform(current);
        return current;
    }

    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        ITransformer? blocker = _transformers.FirstOrDefault(t => !t.IsRowToRowMapper);
        if (blocker is not null)
            throw new NotSupportedException($"The chain cannot map single rows because its step {blocker.GetType().Name} cannot (IsRowToRowMapper is false).");
        var mappers = new IRowToRowMapper[_transformers.Length];
        DataViewSchema schema = inputSchema;
        for (int i = 0; i < mappers.Length; i++)
        {
            mappers[i] = _transformers[i].GetRowToRowMapper(schema);
            schema = mappers[i].OutputSchema;
        }
        return new CompositeRowToRowMapper(inputSchema, mappers);
    }

    /// <summary>A new chain with <paramref name="transformer"/> appended.</summary>
    public TransformerChain<TNewLast> Append<TNewLast>(TNewLast transformer, TransformerScope scope = TransformerScope.Everything)
        where TNewLast : class, ITransformer
    {
        ArgumentNullException.ThrowIfNull(transformer);
        return new TransformerChain<TNewLast>([.. _transformers, transformer], [.. _scopes, scope]);
    }

    /// <summary>The sub-chain of transformers whose scope intersects <paramref name="scopeFilter"/>.</summary>
    public TransformerChain<ITransformer> GetModelFor(TransformerScope scopeFilter)
    {
        var kept = new List<ITransformer>();
        var keptScopes = new List<TransformerScope>();
        for (int i = 0; i < _transformers.Length; i++)
        {
            if ((_scopes[i] & scopeFilter) != TransformerScope.None)
            {
                kept.Add(_transformers[i]);
                keptScopes.Add(_scopes[i]);
            }
        }
        return new TransformerChain<ITransformer>(kept, keptScopes);
    }

    public IEnumerator<ITransformer> GetEnumerator() => ((IEnumerable<ITransformer>)_transformers).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Saves every step with its scope, in order (kind "TransformerChain").</summary>
    public void Save(ModelSaveContext ctx)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        ctx.SetKind(TransformerChainLoader.Kind);
        var steps = new System.Text.Json.Nodes.JsonArray();
        for (int i = 0; i < _transformers.Length; i++)
        {
            System.Text.Json.Nodes.JsonObject step = ctx.SaveNested(_transformers[i]);
            step["scope"] = _scopes[i].ToString();
            steps.Add(step);
        }
        ctx.Properties["steps"] = steps;
    }

    public void Dispose()
    {
        foreach (ITransformer transformer in _transformers)
            (transformer as IDisposable)?.Dispose();
    }
}
