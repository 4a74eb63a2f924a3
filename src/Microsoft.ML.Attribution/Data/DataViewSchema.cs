using System.Collections;

namespace Microsoft.ML.Attribution.Data;

/// <summary>
/// The ordered, immutable list of a view's columns. When several columns share a name, all but the last are hidden, and lookups by name
/// find the last. Build one with <see cref="Builder"/>. Thread-safe.
/// </summary>
public sealed partial class DataViewSchema : IReadOnlyList<DataViewSchema.Column>
{
    private readonly Column[] _columns;
    private readonly Dictionary<string, int> _byName;

    internal DataViewSchema(IEnumerable<DetachedColumn> columns)
    {
        DetachedColumn[] detached = columns.ToArray();
        _byName = new Dictionary<string, int>(detached.Length, StringComparer.Ordinal);
        for (int i = 0; i < detached.Length; i++)
            _byName[detached[i].Name] = i;

        _columns = new Column[detached.Length];
        for (int i = 0; i < detached.Length; i++)
        {
            DetachedColumn d = detached[i];
            _columns[i] = new Column(d.Name, i, isHidden: _byName[d.Name] != i, d.Type, d.Annotations);
        }
    }

    public int Count => _columns.Length;

    public Column this[int columnIndex]
    {
        get
        {
            if ((uint)columnIndex >= (uint)_columns.Length)
                throw new ArgumentOutOfRangeException(nameof(columnIndex), columnIndex, $"Column index must be in [0, {_columns.Length}).");
            return _columns[columnIndex];
        }
    }

    /// <summary>The visible column called <paramref name="name"/>; throws <see cref="ArgumentOutOfRangeException"/> if there is none.</summary>
    public Column this[string name] =>
        GetColumnOrNull(name) ?? throw new ArgumentOutOfRangeException(nameof(name), $"Column '{name}' not found");

    /// <summary>The visible column called <paramref name="name"/>, or null.</summary>
    public Column? GetColumnOrNull(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return _byName.TryGetValue(name, out int index) ? _columns[index] : null;
    }

    public IEnumerator<Column> GetEnumerator() => ((IEnumerable<Column>)_columns).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public override string ToString() => string.Join("; ", _columns.Select(c => c.IsHidden ? $"({c})" : c.ToString()));

    /// <summary>Whether <paramref name="column"/> is this schema's column at its index (rather than a column of another schema).</summary>
    internal bool Owns(Column column) =>
        (uint)column.Index < (uint)_columns.Length && _columns[column.Index].Name == column.Name && _columns[column.Index].Type.Equals(column.Type);
}
