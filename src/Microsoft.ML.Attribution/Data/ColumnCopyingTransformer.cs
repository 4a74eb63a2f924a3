namespace Microsoft.ML.Attribution.Data;

/// <summary>
/// Appends copies of input columns under new names (a reused name hides the earlier column). Lazy: values are read from the input column
/// when the copy's getter is called. Created by <see cref="ColumnCopyingEstimator.Fit"/>, which also records the input types so that
/// applying the transformer to data of another type fails early.
/// </summary>
[LoadableTransformer(LoaderKind)]
public sealed class ColumnCopyingTransformer : ITransformer
{
    private const string LoaderKind = "CopyColumns";

    private readonly (string OutputColumnName, string InputColumnName)[] _columns;
    private readonly DataViewType?[] _fittedTypes;

    /// <summary>A transformer that accepts input columns of any type.</summary>
    public ColumnCopyingTransformer(params (string outputColumnName, string inputColumnName)[] columns)
        : this(columns, null)
    {
    }

    internal ColumnCopyingTransformer((string outputColumnName, string inputColumnName)[] columns, DataViewType?[]? fittedTypes)
    {
        _columns = ColumnCopyingEstimator.CheckColumns(columns);
        _fittedTypes = fittedTypes ?? new DataViewType?[_columns.Length];
    }

    /// <summary>The (output, input) column name pairs, in order.</summary>
    public IReadOnlyList<(string OutputColumnName, string InputColumnName)> Columns => _columns;

    public bool IsRowToRowMapper => true;

    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema) => Bind(inputSchema).Bindings.OutputSchema;

    public IDataView Transform(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return new AppendedColumnsDataView(input, Bind(input.Schema));
    }

    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema) => new AppendingRowToRowMapper(Bind(inputSchema));

    /// <summary>Saves the column pairs (the fitted input types are not saved: a loaded copy accepts inputs of any type).</summary>
    public void Save(ModelSaveContext ctx)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        ctx.SetKind(LoaderKind);
        ctx.SetProperty("columns", _columns.Select(c => new[] { c.OutputColumnName, c.InputColumnName }).ToArray());
    }

    public static ITransformer Load(ModelLoadContext ctx)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        ctx.CheckVersion(1);
        string[][] pairs = ctx.GetProperty<string[][]>("columns");
        if (pairs.Any(p => p.Length != 2))
            throw new InvalidDataException("'CopyColumns': every entry of 'columns' must be [output, input].");
        return new ColumnCopyingTransformer(pairs.Select(p => (p[0], p[1])).ToArray());
    }

    private CopyMapper Bind(DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        var sources = new int[_columns.Length];
        var appended = new DataViewSchema.DetachedColumn[_columns.Length];
        for (int i = 0; i < _columns.Length; i++)
        {
            (string output, string inputName) = _columns[i];
            DataViewSchema.Column input = inputSchema.GetColumnOrNull(inputName) ?? throw DataViewErrors.MissingInputColumn(inputName);
            if (_fittedTypes[i] is DataViewType expected && !expected.Equals(input.Type))
                throw DataViewErrors.SchemaMismatch(inputName, expected.ToString()!, input.Type.ToString()!);
            sources[i] = input.Index;
            appended[i] = new DataViewSchema.DetachedColumn(output, input.Type, input.Annotations);
        }
        return new CopyMapper(new ColumnBindings(inputSchema, appended), sources);
    }

    private sealed class CopyMapper : AppendingMapper
    {
        private readonly int[] _sources;

        public CopyMapper(ColumnBindings bindings, int[] sources)
            : base(bindings) => _sources = sources;

        public override IEnumerable<int> GetRowDependencies(bool[] activeAppended) =>
            Enumerable.Range(0, _sources.Length).Where(k => activeAppended[k]).Select(k => _sources[k]);

        public override AppendedGetters CreateGetters(DataViewRow input, bool[] activeAppended, CursorSource? source)
        {
            var getters = new Delegate?[_sources.Length];
            for (int k = 0; k < getters.Length; k++)
            {
                // The copy reads straight through the input getter: same type, same buffer reuse, no extra copy.
                if (activeAppended[k])
                    getters[k] = GetterUtils.GetGetterAsDelegate(input, Bindings.InputSchema[_sources[k]]);
            }
            return new AppendedGetters(getters);
        }
    }
}
