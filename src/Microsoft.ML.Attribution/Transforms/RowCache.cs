using Microsoft.ML.Attribution.DataViews;
using Microsoft.ML.Data;

namespace Microsoft.ML.Attribution.Transforms;

/// <summary>
/// Computes a value once per row of a cursor and serves it to every getter of that row (a row's appended columns usually come from one
/// computation). Keyed by the row's position; single-threaded like the cursor it belongs to.
/// </summary>
internal sealed class RowCache<T>(DataViewRow row, Func<T> compute)
{
    private long _position = -1;
    private T _value = default!;

    public T Get()
    {
        long position = row.Position;
        if (position < 0)
            throw new InvalidOperationException("The cursor has no current row: call MoveNext first (and only read while it returns true).");
        if (position != _position)
        {
            _value = compute();
            _position = position;
        }
        return _value;
    }
}
