using System.ComponentModel;

namespace Microsoft.ML.Attribution.Data;

/// <summary>Moving data into and out of data views.</summary>
public sealed class DataOperationsCatalog
{
    internal DataOperationsCatalog(AttributionContext context) => Context = context;

    [EditorBrowsable(EditorBrowsableState.Never)]
    public AttributionContext Context { get; }

    /// <summary>
    /// A lazy view over <paramref name="data"/>: one column per public field or readable property of <typeparamref name="TRow"/>, renamed by
    /// <see cref="ColumnNameAttribute"/>, skipped by <see cref="NoColumnAttribute"/>. Numbers, <see cref="bool"/> and text (<see cref="string"/>
    /// or <c>ReadOnlyMemory&lt;char&gt;</c>) become scalar columns; arrays and <see cref="VBuffer{T}"/> of those become vector columns, of
    /// unknown size unless <see cref="VectorTypeAttribute"/> gives the dimensions; a <see cref="DataViewTypeAttribute"/> chooses any other type.
    /// Every cursor enumerates <paramref name="data"/> again, so it must be re-enumerable and unchanged while in use.
    /// </summary>
    public IDataView LoadFromEnumerable<TRow>(IEnumerable<TRow> data)
        where TRow : class
    {
        ArgumentNullException.ThrowIfNull(data);
        return new EnumerableDataView<TRow>(data);
    }

    /// <summary>
    /// The rows of <paramref name="data"/> as <typeparamref name="TRow"/> objects, enumerated lazily (each enumeration opens a new cursor).
    /// Members map to columns by name as in <see cref="LoadFromEnumerable{TRow}"/>. With <paramref name="reuseRowObject"/> the same object is
    /// refilled for every row, which saves allocations but means earlier rows must not be kept. Missing columns throw unless
    /// <paramref name="ignoreMissingColumns"/> is set, in which case those members are left untouched.
    /// </summary>
    public IEnumerable<TRow> CreateEnumerable<TRow>(IDataView data, bool reuseRowObject, bool ignoreMissingColumns = false)
        where TRow : class, new()
    {
        ArgumentNullException.ThrowIfNull(data);
        return new DataViewEnumerable<TRow>(data, reuseRowObject, ignoreMissingColumns);
    }
}
