namespace Microsoft.ML.Attribution.Data;

/// <summary>
/// Reads a view back into row objects (<see cref="DataOperationsCatalog.CreateEnumerable{TRow}"/>). Columns are matched and type-checked
/// when this is created; each enumeration opens a new cursor with only the matched columns active.
/// </summary>
internal sealed class DataViewEnumerable<TRow> : IEnumerable<TRow>
    where TRow : class, new()
{
    private readonly IDataView _data;
    private readonly bool _reuseRowObject;
    private readonly (PocoColumn<TRow> Column, DataViewSchema.Column Source)[] _columns;

    public DataViewEnumerable(IDataView data, bool reuseRowObject, bool ignoreMissingColumns)
    {
        _data = data;
        _reuseRowObject = reuseRowObject;
        var columns = new List<(PocoColumn<TRow>, DataViewSchema.Column)>();
        foreach (PocoMember member in PocoMember.Discover(typeof(TRow), forWriting: true))
        {
            DataViewSchema.Column? source = data.Schema.GetColumnOrNull(member.ColumnName);
            if (source is null)
            {
                if (ignoreMissingColumns)
                    continue;
                throw new ArgumentOutOfRangeException(nameof(data), $"Could not find column '{member.ColumnName}' (for member '{member.Member.Name}' of '{typeof(TRow).Name}')");
            }
            if (source.Value.Type.RawType != member.ColumnRawType)
            {
                throw new ArgumentOutOfRangeException(nameof(data),
                    $"Schema mismatch for column '{member.ColumnName}': member '{member.Member.Name}' of type {DataViewErrors.TypeName(member.MemberType)} " +
                    $"needs values of {DataViewErrors.TypeName(member.ColumnRawType)}, but the column is {source.Value.Type}");
            }
            columns.Add((PocoColumn<TRow>.Create(member, forWriting: true), source.Value));
        }
        _columns = columns.ToArray();
    }

    public IEnumerator<TRow> GetEnumerator()
    {
        using DataViewRowCursor cursor = _data.GetRowCursor(_columns.Select(c => c.Source).DistinctBy(c => c.Index));
        Action<TRow>[] setters = _columns.Select(c => c.Column.MakeSetter(cursor, c.Source, _reuseRowObject)).ToArray();
        TRow? reused = _reuseRowObject ? new TRow() : null;
        while (cursor.MoveNext())
        {
            TRow row = reused ?? new TRow();
            foreach (Action<TRow> setter in setters)
                setter(row);
            yield return row;
        }
    }

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
}
