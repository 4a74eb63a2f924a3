namespace Microsoft.ML.Attribution.Data;

/// <summary>Maps a data view to a data view, lazily.</summary>
public interface ITransformer
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
}
