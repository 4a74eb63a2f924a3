using Microsoft.ML;
using Microsoft.ML.Data;

namespace Microsoft.ML.Attribution.DataViews;

/// <summary>
/// What a column-appending transformer contributes once bound to an input schema: which input columns its appended columns read, and
/// the getters for them over an input row. Views, cursors and row mappers around it are shared (<see cref="AppendedColumnsDataView"/>).
/// </summary>
internal abstract class AppendingMapper
{
    protected AppendingMapper(AppendedColumnBindings bindings) => Bindings = bindings;

    public AppendedColumnBindings Bindings { get; }

    /// <summary>Input columns that must be active in a single input row to compute the active appended columns from it.</summary>
    public abstract IEnumerable<int> GetRowDependencies(bool[] activeAppended);

    /// <summary>Input columns the main upstream cursor must activate; a mapper that reads through its own cursors needs none.</summary>
    public virtual IEnumerable<int> GetCursorDependencies(bool[] activeAppended) => GetRowDependencies(activeAppended);

    /// <summary>
    /// Getters for the active appended columns (null elsewhere). <paramref name="source"/> is set when <paramref name="input"/> is a cursor
    /// over that view, so the mapper may open more cursors on it; it is null for single-row use.
    /// </summary>
    public abstract AppendedGetters CreateGetters(DataViewRow input, bool[] activeAppended, CursorSource? source);
}
