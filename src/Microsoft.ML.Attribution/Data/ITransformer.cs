namespace Microsoft.ML.Attribution.Data;

/// <summary>Maps a data view to a data view, lazily.</summary>
public interface ITransformer : ICanSaveModel
{
    /// <summary>Whether <see cref="GetRowToRowMapper"/> is supported.</summary>
    bool IsRowToRowMapper => false;

    /// <summary>The schema <see cref="Transform"/> would produce; throws if <paramref name="inputSchema"/> does not fit.</summary>
    DataViewSchema GetOutputSchema(DataViewSchema inputSchema);

    /// <summary>Validates the schema and returns a lazy view: nothing is computed until the view is cursored.</summary>
    IDataView Transform(IDataView input);

    /// <summary>A mapper for single rows. Only supported when <see cref="IsRowToRowMapper"/> is true.</summary>
    IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema) =>
        throw new NotSupportedException($"{GetType().Name} cannot map single rows (IsRowToRowMapper is false); use Transform on a data view instead.");

    // Transformers that do not implement Save cannot be written to a model file; saying so beats writing a file that cannot be loaded.
    void ICanSaveModel.Save(ModelSaveContext ctx) =>
        throw new NotSupportedException($"{GetType().Name} cannot be saved: it does not implement ICanSaveModel.Save.");
}
