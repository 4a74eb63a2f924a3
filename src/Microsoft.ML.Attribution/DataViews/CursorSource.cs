using Microsoft.ML;
using Microsoft.ML.Data;

namespace Microsoft.ML.Attribution.DataViews;

/// <summary>
/// The view a main cursor was opened on and the seed of its shuffle (if any), so that a helper cursor opened with the same arguments
/// visits the same rows in the same order.
/// </summary>
/// <remarks>
/// Cursors are opened as a set of one: asked for a single cursor, ML.NET's own transforms may hand out a consolidating cursor whose worker
/// threads read every column ahead, so one bad row (LoadImages on a missing file) throws from <c>MoveNext</c> and ends the cursor. A set of
/// one is a plain serial cursor: the bad row throws from its own getter, which our transforms turn into that row's error.
/// </remarks>
internal sealed record CursorSource(IDataView View, int? Seed)
{
    public Random? CreateRandom() => Seed is int seed ? new Random(seed) : null;

    /// <summary>A serial cursor over <see cref="View"/> with <paramref name="columns"/> active, replaying the main cursor's shuffle.</summary>
    public DataViewRowCursor Open(IEnumerable<DataViewSchema.Column> columns) => View.GetRowCursorSet(columns, 1, CreateRandom())[0];
}
