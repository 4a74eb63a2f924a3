namespace Microsoft.ML.Attribution.Data;

/// <summary>One row of a data view: typed getters over the active columns of <see cref="Schema"/>.</summary>
public abstract class DataViewRow : IDisposable
{
    /// <summary>0-based position within this cursor (not within the data); -1 before the first row and after the last.</summary>
    public abstract long Position { get; }

    /// <summary>Non-decreasing within a cursor and unique to one cursor of a cursor set; serial cursors usually return 0.</summary>
    public abstract long Batch { get; }

    /// <summary>The schema of the view this row came from (all columns, active or not).</summary>
    public abstract DataViewSchema Schema { get; }

    /// <summary>
    /// Returns a getter for <paramref name="column"/>. Throws <see cref="InvalidOperationException"/> if the column is inactive or if
    /// <typeparamref name="TValue"/> is not exactly <c>column.Type.RawType</c>: getters never convert silently.
    /// </summary>
    public abstract ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column);

    /// <summary>Whether getters may be requested for <paramref name="column"/>.</summary>
    public abstract bool IsColumnActive(DataViewSchema.Column column);

    /// <summary>A getter for a 128-bit id of the current row that stays the same across cursorings of the same view.</summary>
    public abstract ValueGetter<DataViewRowId> GetIdGetter();

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases the row's resources (typically an upstream cursor); called once from <see cref="Dispose()"/>.</summary>
    protected virtual void Dispose(bool disposing)
    {
    }
}
