namespace Microsoft.ML.Attribution.Data;

/// <summary>
/// A lazy, immutable, repeatable table: the analogue of <see cref="IEnumerable{T}"/> for pipelines.
/// Implementations must be thread-safe (many cursors may be open at once); each cursor is single-threaded.
/// Two cursors opened with the same arguments must yield the same values, which is what makes caching transparent.
/// </summary>
public interface IDataView
{
    /// <summary>Whether a cursor opened with a non-null <see cref="Random"/> will actually shuffle.</summary>
    bool CanShuffle { get; }

    /// <summary>All columns, including hidden ones.</summary>
    DataViewSchema Schema { get; }

    /// <summary>The row count if it is known cheaply (O(1)); <c>null</c> means "not known yet", and a later call may return a value.</summary>
    long? GetRowCount();

    /// <summary>
    /// Opens a cursor. <paramref name="columnsNeeded"/> are the active columns (empty means none); the cursor's schema is still the full
    /// schema, but asking for a getter of an inactive column throws. A non-null <paramref name="rand"/> requests shuffling.
    /// </summary>
    DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null);

    /// <summary>
    /// Opens cursors that partition the rows between them. <paramref name="n"/> is only a hint (≤0: the view chooses);
    /// returning a single cursor is allowed.
    /// </summary>
    DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null);
}
