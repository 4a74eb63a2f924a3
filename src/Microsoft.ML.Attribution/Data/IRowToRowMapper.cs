namespace Microsoft.ML.Attribution.Data;

/// <summary>Maps one input row to one output row without a cursor (what a prediction engine needs).</summary>
public interface IRowToRowMapper
{
    DataViewSchema InputSchema { get; }

    DataViewSchema OutputSchema { get; }

    /// <summary>The input columns that must be active to compute <paramref name="dependingColumns"/> (columns of <see cref="OutputSchema"/>).</summary>
    IEnumerable<DataViewSchema.Column> GetDependencies(IEnumerable<DataViewSchema.Column> dependingColumns);

    /// <summary>
    /// Returns a live view over <paramref name="input"/> whose active columns are <paramref name="activeColumns"/> (columns of <see cref="OutputSchema"/>).
    /// Disposing the returned row disposes <paramref name="input"/>.
    /// </summary>
    DataViewRow GetRow(DataViewRow input, IEnumerable<DataViewSchema.Column> activeColumns);
}
