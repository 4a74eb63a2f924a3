using Microsoft.ML;
using Microsoft.ML.Data;

namespace Microsoft.ML.Attribution.DataViews;

/// <summary>
/// The per-cursor computation of a <see cref="BatchedAppendingTransformerBase"/>. Created with an input row whose getters it takes once;
/// then, for every batch, the base positions that row on each batch row in turn and calls <see cref="StageRow"/> (slots 0, 1, …), then
/// calls <see cref="ComputeBatch"/> once; the getters from <see cref="CreateGetter"/> then serve the results slot by slot.
/// Used by one thread at a time; disposed with its cursor.
/// </summary>
public abstract class BatchedRowMapper : IDisposable
{
    /// <summary>Copies what the computation needs from the input row's current row into batch slot <paramref name="slot"/>.</summary>
    public abstract void StageRow(int slot);

    /// <summary>
    /// Computes the appended columns for slots [0, <paramref name="count"/>). Long computations should observe
    /// <paramref name="cancellationToken"/>. An exception here fails the cursor: later reads of appended columns rethrow it.
    /// </summary>
    public abstract void ComputeBatch(int count, CancellationToken cancellationToken);

    /// <summary>
    /// Returns a <see cref="ValueGetter{TValue}"/> whose TValue is the raw type of appended column <paramref name="outputColumnIndex"/>
    /// (an index into the transformer's output columns). The getter must call <paramref name="currentSlot"/> on every invocation: that call
    /// computes the batch containing the current row if needed and returns the row's slot.
    /// </summary>
    public abstract Delegate CreateGetter(int outputColumnIndex, Func<int> currentSlot);

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
    }
}
