namespace Microsoft.ML.Attribution.Data;

/// <summary>
/// Base for transformers that append columns computed from other columns of the same row, one row at a time (no read-ahead, no batching):
/// image loading and resizing, pixel extraction, metrics over a map. Use <see cref="BatchedRowToRowTransformerBase"/> instead when rows are
/// cheaper together (one forward/backward pass per mini-batch).
/// </summary>
/// <remarks>
/// Lazy: <see cref="Transform"/> only checks the schema. A getter computes its value when called, reading the current row of the input
/// through getters taken once per cursor. ML.NET's equivalent (<c>RowToRowTransformerBase</c>) keeps these members
/// <c>private protected</c>, so only its own packages can write transformers; this one is open.
/// </remarks>
public abstract class RowToRowTransformerBase : ITransformer
{
    public bool IsRowToRowMapper => true;

    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema) => Bind(inputSchema).Bindings.OutputSchema;

    public IDataView Transform(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return new AppendedColumnsDataView(input, Bind(input.Schema));
    }

    /// <summary>
    /// Writes the transformer into a model file (see <see cref="ICanSaveModel"/>). Subclasses that can be saved override this and carry a
    /// <see cref="LoadableTransformerAttribute"/>; the default says the transformer cannot be saved.
    /// </summary>
    public virtual void Save(ModelSaveContext ctx) =>
        throw new NotSupportedException($"{GetType().Name} cannot be saved: it does not override Save.");

    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema) => new AppendingRowToRowMapper(Bind(inputSchema));

    /// <summary>
    /// Checks <paramref name="inputSchema"/> and describes the appended columns. Throw <see cref="ArgumentOutOfRangeException"/> with
    /// paramName "inputSchema" ("Could not find input column 'X'", "Schema mismatch for input column 'X': expected T1, got T2").
    /// </summary>
    protected abstract IReadOnlyList<DataViewSchema.DetachedColumn> GetOutputColumns(DataViewSchema inputSchema);

    /// <summary>The input columns the appended columns read (all of them are activated when any appended column is).</summary>
    protected abstract IEnumerable<DataViewSchema.Column> GetDependencies(DataViewSchema inputSchema);

    /// <summary>
    /// Getters for the appended columns over <paramref name="input"/> (whose dependencies are active): element k is a
    /// <c>ValueGetter&lt;RawType&gt;</c> of appended column k when <paramref name="activeOutput"/>[k], otherwise null.
    /// <paramref name="disposer"/> releases per-cursor state and runs when the cursor is disposed.
    /// </summary>
    protected abstract Delegate?[] CreateGetters(DataViewRow input, bool[] activeOutput, out Action? disposer);

    private RowMapper Bind(DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        IReadOnlyList<DataViewSchema.DetachedColumn> outputs = GetOutputColumns(inputSchema)
            ?? throw new InvalidOperationException($"{GetType().Name}.GetOutputColumns returned null.");
        int[] dependencies = GetDependencies(inputSchema).Select(c =>
            inputSchema.Owns(c) ? c.Index : throw new InvalidOperationException($"{GetType().Name}.GetDependencies returned column '{c.Name}', which is not in the input schema.")).Distinct().ToArray();
        return new RowMapper(this, new ColumnBindings(inputSchema, outputs), dependencies);
    }

    private sealed class RowMapper : AppendingMapper
    {
        private readonly RowToRowTransformerBase _transformer;
        private readonly int[] _dependencies;

        public RowMapper(RowToRowTransformerBase transformer, ColumnBindings bindings, int[] dependencies)
            : base(bindings)
        {
            _transformer = transformer;
            _dependencies = dependencies;
        }

        public override IEnumerable<int> GetRowDependencies(bool[] activeAppended) => activeAppended.Contains(true) ? _dependencies : [];

        public override AppendedGetters CreateGetters(DataViewRow input, bool[] activeAppended, CursorSource? source)
        {
            if (!activeAppended.Contains(true))
                return new AppendedGetters(new Delegate?[activeAppended.Length]);
            Delegate?[] getters = _transformer.CreateGetters(input, activeAppended, out Action? disposer);
            var state = disposer is null ? null : new ActionDisposer(disposer);
            try
            {
                if (getters is null || getters.Length != activeAppended.Length)
                    throw new InvalidOperationException($"{_transformer.GetType().Name}.CreateGetters must return one entry per appended column ({activeAppended.Length}).");
                for (int k = 0; k < getters.Length; k++)
                {
                    if (!activeAppended[k])
                    {
                        getters[k] = null;
                        continue;
                    }
                    Type expected = typeof(ValueGetter<>).MakeGenericType(Bindings.Appended[k].Type.RawType);
                    if (getters[k]?.GetType() != expected)
                    {
                        throw new InvalidOperationException($"{_transformer.GetType().Name}: the getter for column '{Bindings.Appended[k].Name}' must be " +
                            $"{DataViewErrors.TypeName(expected)}, got {(getters[k] is null ? "null" : DataViewErrors.TypeName(getters[k]!.GetType()))}.");
                    }
                }
            }
            catch
            {
                state?.Dispose();
                throw;
            }
            return new AppendedGetters(getters, state);
        }
    }

    private sealed class ActionDisposer(Action action) : IDisposable
    {
        private Action? _action = action;

        public void Dispose()
        {
            _action?.Invoke();
            _action = null;
        }
    }
}
