using Microsoft.ML;
using Microsoft.ML.Data;

namespace Microsoft.ML.Attribution.DataViews;

/// <summary>
/// The <see cref="ITransformer"/> plumbing shared by <see cref="RowAppendingTransformerBase"/> and
/// <see cref="BatchedAppendingTransformerBase"/>: both append columns computed from other columns of the same row and differ only in
/// how the values are computed (one row at a time, or a mini-batch at a time), which <see cref="CreateAppendingMapper"/> decides.
/// </summary>
public abstract class AppendingTransformerBase : ITransformer
{
    private protected AppendingTransformerBase()
    {
    }

    public bool IsRowToRowMapper => true;

    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema) => Bind(inputSchema).Bindings.OutputSchema;

    public IDataView Transform(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return new AppendedColumnsDataView(input, Bind(input.Schema));
    }

    /// <summary>
    /// ML.NET's model files hold only ML.NET's own transformers (their loaders are registered through internal types), so
    /// <c>mlContext.Model.Save</c> of a chain holding one of ours stops here with the call that saves it.
    /// </summary>
    void ICanSaveModel.Save(ModelSaveContext ctx) =>
        throw new NotSupportedException(
            $"{GetType().Name} cannot be saved by mlContext.Model.Save: ML.NET's model files hold only ML.NET's own transformers. " +
            "Save the whole chain with mlContext.Model.SaveWithAttribution(model, inputSchema, path) and load it with " +
            "mlContext.Model.LoadWithAttribution(path, out inputSchema) (namespace Microsoft.ML.Attribution.Persistence).");

    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema) => new AppendingRowToRowMapper(Bind(inputSchema));

    /// <summary>
    /// Checks <paramref name="inputSchema"/> and describes the appended columns. Throw <see cref="ArgumentOutOfRangeException"/> with
    /// paramName "inputSchema" ("Could not find input column 'X'", "Schema mismatch for input column 'X': expected T1, got T2").
    /// </summary>
    protected abstract IReadOnlyList<DataViewSchema.DetachedColumn> GetOutputColumns(DataViewSchema inputSchema);

    /// <summary>The input columns the appended columns read (called after <see cref="GetOutputColumns"/> accepted the schema).</summary>
    protected abstract IEnumerable<DataViewSchema.Column> GetDependencies(DataViewSchema inputSchema);

    /// <summary>The mapper that computes the appended columns over the checked bindings and the indices of the columns they read.</summary>
    private protected abstract AppendingMapper CreateAppendingMapper(AppendedColumnBindings bindings, int[] dependencies);

    private AppendingMapper Bind(DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        IReadOnlyList<DataViewSchema.DetachedColumn> outputs = GetOutputColumns(inputSchema)
            ?? throw new InvalidOperationException($"{GetType().Name}.GetOutputColumns returned null.");
        int[] dependencies = GetDependencies(inputSchema).Select(c =>
            inputSchema.Owns(c) ? c.Index : throw new InvalidOperationException($"{GetType().Name}.GetDependencies returned column '{c.Name}', which is not in the input schema.")).Distinct().ToArray();
        return CreateAppendingMapper(new AppendedColumnBindings(inputSchema, outputs), dependencies);
    }
}
