using Microsoft.ML;
using Microsoft.ML.Data;

namespace Microsoft.ML.Attribution.DataViews;

/// <summary>
/// Decides when a batch is computed and which slot holds the current row. Over a cursor: a read-ahead cursor on the same input stages up to
/// BatchSize rows starting at the first row whose value is read, and the results are kept for positions [start, start + count).
/// Over a single row: one row per computation, recomputed when the row's position changes.
/// </summary>
internal sealed class BatchedRowCache : IDisposable
{
    private readonly DataViewRow _main;
    private readonly DataViewRowCursor? _lookahead;
    private readonly int _capacity;
    private readonly IProgress<long>? _progress;
    private readonly CancellationToken _cancellationToken;
    private readonly ValueGetter<DataViewRowId>? _mainId;
    private readonly ValueGetter<DataViewRowId>? _lookaheadId;
    private readonly DataViewRowId[] _ids;

    private long _start = -1;
    private int _count;
    private long _rowsComputed;
    private Exception? _failure;

    private BatchedRowCache(BatchedAppendingTransformerBase transformer, DataViewRow main, DataViewRowCursor? lookahead)
    {
        _main = main;
        _lookahead = lookahead;
        _capacity = lookahead is null ? 1 : transformer.BatchSize;
        _progress = transformer.Progress;
        _cancellationToken = transformer.CancellationToken;
        _ids = new DataViewRowId[_capacity];
        try
        {
            Mapper = transformer.CreateMapperCore(lookahead ?? main, _capacity);
        }
        catch
        {
            lookahead?.Dispose();
            throw;
        }
        if (lookahead is not null)
        {
            _mainId = main.GetIdGetter();
            _lookaheadId = lookahead.GetIdGetter();
        }
    }

    public BatchedRowMapper Mapper { get; }

    public static BatchedRowCache ForRow(BatchedAppendingTransformerBase transformer, DataViewRow row) => new(transformer, row, null);

    public static BatchedRowCache ForCursor(BatchedAppendingTransformerBase transformer, DataViewRow main, DataViewRowCursor lookahead) =>
        new(transformer, main, lookahead);

    /// <summary>The slot of the main row's current row, computing its batch first if needed.</summary>
    public int CurrentSlot()
    {
        long position = _main.Position;
        if (position < 0)
            throw GetterUtils.NoCurrentRow();
        if (_failure is not null)
            throw new InvalidOperationException("An earlier batch of this cursor failed; open a new cursor to retry.", _failure);

        if (_count == 0 || position < _start || position >= _start + _count)
            Compute(position);
        int slot = (int)(position - _start);
        if (_lookahead is not null)
            CheckSameRow(position, slot);
        return slot;
    }

    public void Dispose()
    {
        Mapper.Dispose();
        _lookahead?.Dispose();
    }

    private void Compute(long position)
    {
        _cancellationToken.ThrowIfCancellationRequested();
        _count = 0;
        try
        {
            int staged = _lookahead is null ? StageSingle() : StageFrom(position);
            Mapper.ComputeBatch(staged, _cancellationToken);
            _start = position;
            _count = staged;
        }
        catch (Exception e)
        {
            // The read-ahead cursor cannot go back, so a failed batch cannot be recomputed.
            if (_lookahead is not null)
                _failure = e;
            throw;
        }
        _rowsComputed += _count;
        _progress?.Report(_rowsComputed);
    }

    private int StageSingle()
    {
        Mapper.StageRow(0);
        return 1;
    }

    private int StageFrom(long position)
    {
        DataViewRowCursor lookahead = _lookahead!;
        if (lookahead.Position > position)
            throw new InvalidOperationException($"Row {position} was requested after row {lookahead.Position}; cursors only move forward.");
        while (lookahead.Position < position)
        {
            if (!lookahead.MoveNext())
                throw NotRepeatable(position);
        }
        int staged = 0;
        do
        {
            Mapper.StageRow(staged);
            _lookaheadId!(ref _ids[staged]);
            staged++;
        }
        while (staged < _capacity && lookahead.MoveNext());
        return staged;
    }

    private void CheckSameRow(long position, int slot)
    {
        DataViewRowId id = default;
        _mainId!(ref id);
        if (!id.Equals(_ids[slot]))
            throw NotRepeatable(position);
    }

    private static InvalidOperationException NotRepeatable(long position) =>
        new($"Row {position}: two cursors opened on the input with the same arguments saw different rows. Batched transformers read ahead " +
            "with a second cursor and need a repeatable input view.");
}
