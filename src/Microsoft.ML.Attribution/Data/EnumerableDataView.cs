namespace Microsoft.ML.Attribution.Data;

/// <summary>
/// A view over an <see cref="IEnumerable{T}"/> of row objects (<see cref="DataOperationsCatalog.LoadFromEnumerable{TRow}"/>).
/// Each cursor enumerates the source afresh, starting at its first <see cref="DataViewRowCursor.MoveNext"/>.
/// </summary>
internal sealed class EnumerableDataView<TRow> : IDataView
    where TRow : class
{
    private readonly IEnumerable<TRow> _data;
    private readonly PocoColumn<TRow>[] _columns;

    public EnumerableDataView(IEnumerable<TRow> data)
    {
        _data = data;
        _columns = PocoMember.Discover(typeof(TRow), forWriting: false).Select(m => PocoColumn<TRow>.Create(m, forWriting: false)).ToArray();
        var builder = new DataViewSchema.Builder();
        foreach (PocoColumn<TRow> column in _columns)
            builder.AddColumn(column.Member.ColumnName, column.Member.NaturalType);
        Schema = builder.ToSchema();
    }

    // The source may be a lazy sequence, so shuffling would need a full copy; callers that want it can cache first.
    public bool CanShuffle => false;

    public DataViewSchema Schema { get; }

    public long? GetRowCount() => _data switch
    {
        ICollection<TRow> collection => collection.Count,
        IReadOnlyCollection<TRow> collection => collection.Count,
        _ => null,
    };

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null) =>
        new Cursor(this, GetterUtils.GetActive(Schema, columnsNeeded));

    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) =>
        [GetRowCursor(columnsNeeded, rand)];

    private sealed class Cursor : DataViewRowCursor, IPocoRowSource<TRow>
    {
        private readonly EnumerableDataView<TRow> _view;
        private readonly Delegate?[] _getters;
        private IEnumerator<TRow>? _enumerator;
        private TRow? _current;
        private long _position = -1;
        private bool _done;

        public Cursor(EnumerableDataView<TRow> view, bool[] active)
        {
            _view = view;
            _getters = new Delegate?[active.Length];
            for (int i = 0; i < active.Length; i++)
            {
                if (active[i])
                    _getters[i] = view._columns[i].MakeGetter(this);
            }
        }

        public override long Position => _position;

        public override long Batch => 0;

        public override DataViewSchema Schema => _view.Schema;

        public TRow Current => _position >= 0 ? _current! : throw GetterUtils.NoCurrentRow();

        public override bool MoveNext()
        {
            if (_done)
                return false;
            // Enumerate lazily: opening a cursor costs nothing until rows are asked for.
            _enumerator ??= _view._data.GetEnumerator();
            if (!_enumerator.MoveNext())
            {
                Finish();
                return false;
            }
            _current = _enumerator.Current ?? throw new InvalidOperationException($"Row {_position + 1} of the source sequence is null.");
            _position++;
            return true;
        }

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
        {
            GetterUtils.CheckGetterRequest<TValue>(this, column);
            return (ValueGetter<TValue>)_getters[column.Index]!;
        }

        public override bool IsColumnActive(DataViewSchema.Column column)
        {
            if (!Schema.Owns(column))
                throw DataViewErrors.ForeignColumn(column);
            return _getters[column.Index] is not null;
        }

        public override ValueGetter<DataViewRowId> GetIdGetter() =>
            (ref DataViewRowId id) =>
            {
                if (_position < 0)
                    throw GetterUtils.NoCurrentRow();
                // The source is enumerated in the same order by every cursor, so the position identifies the row.
                id = new DataViewRowId((ulong)_position, 0);
            };

        protected override void Dispose(bool disposing)
        {
            if (disposing)
                Finish();
            base.Dispose(disposing);
        }

        private void Finish()
        {
            _done = true;
            _position = -1;
            _current = null;
            _enumerator?.Dispose();
            _enumerator = null;
        }
    }
}
