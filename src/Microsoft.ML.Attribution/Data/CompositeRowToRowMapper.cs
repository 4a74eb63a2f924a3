namespace Microsoft.ML.Attribution.Data;

/// <summary>Row mappers applied in sequence: what a transformer chain hands out for single-row use.</summary>
internal sealed class CompositeRowToRowMapper : IRowToRowMapper
{
    private readonly IRowToRowMapper[] _mappers;

    public CompositeRowToRowMapper(DataViewSchema inputSchema, IRowToRowMapper[] mappers)
    {
        InputSchema = inputSchema;
        _mappers = mappers;
        OutputSchema = mappers.Length == 0 ? inputSchema : mappers[^1].OutputSchema;
    }

    public DataViewSchema InputSchema { get; }

    public DataViewSchema OutputSchema { get; }

    public IEnumerable<DataViewSchema.Column> GetDependencies(IEnumerable<DataViewSchema.Column> dependingColumns)
    {
        IEnumerable<DataViewSchema.Column> needed = dependingColumns;
        for (int i = _mappers.Length - 1; i >= 0; i--)
            needed = _mappers[i].GetDependencies(needed).ToArray();
        return needed;
    }

    public DataViewRow GetRow(DataViewRow input, IEnumerable<DataViewSchema.Column> activeColumns)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (_mappers.Length == 0)
            return input;
        // Each stage must produce what the stages after it read, so work out the active set per stage from the end.
        var active = new IEnumerable<DataViewSchema.Column>[_mappers.Length];
        IEnumerable<DataViewSchema.Column> needed = activeColumns.ToArray();
        for (int i = _mappers.Length - 1; i >= 0; i--)
        {
            active[i] = needed;
            needed = _mappers[i].GetDependencies(needed).ToArray();
        }
        DataViewRow row = input;
        for (int i = 0; i < _mappers.Length; i++)
            row = _mappers[i].GetRow(row, active[i]);
        return row;
    }
}
