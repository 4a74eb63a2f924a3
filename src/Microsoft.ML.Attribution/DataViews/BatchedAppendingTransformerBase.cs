using Microsoft.ML;
using Microsoft.ML.Data;

namespace Microsoft.ML.Attribution.DataViews;

/// <summary>
/// Base for transformers that append columns computed from other columns, row by row but in mini-batches: when an appended value of a
/// row is first read, the next <see cref="BatchSize"/> rows are gathered, computed in one <see cref="BatchedRowMapper.ComputeBatch"/> call
/// (one batched forward/backward pass, say), and served from a cache keyed by row position.
/// </summary>
/// <remarks>
/// <para>Everything is lazy: <see cref="AppendingTransformerBase.Transform"/> only checks the schema; nothing is computed for rows whose appended columns are not read.</para>
/// <para>
/// To read ahead without disturbing the rows it passes through, a cursor over the transformed view opens a second cursor on the input
/// (with only <see cref="AppendingTransformerBase.GetDependencies"/> active, and the same shuffle seed) and relies on the input being repeatable, as every data view
/// must be; row ids are compared to catch inputs that are not. Input columns that are both passed through and read by the computation
/// are therefore computed upstream twice.
/// </para>
/// <para>
/// <see cref="CancellationToken"/> is checked before every batch and handed to <see cref="BatchedRowMapper.ComputeBatch"/>; when it fires,
/// the read that needed the batch throws <see cref="OperationCanceledException"/>. <see cref="Progress"/> receives, after each batch,
/// the number of rows the cursor has computed so far.
/// </para>
/// <para>Single-row mapping (<see cref="AppendingTransformerBase.GetRowToRowMapper"/>) computes one row at a time.</para>
/// </remarks>
public abstract class BatchedAppendingTransformerBase : AppendingTransformerBase
{
    protected BatchedAppendingTransformerBase(int batchSize = 1, IProgress<long>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        BatchSize = batchSize;
        Progress = progress;
        CancellationToken = cancellationToken;
    }

    /// <summary>The most rows computed together.</summary>
    public int BatchSize { get; }

    /// <summary>Told the running count of rows a cursor has computed, after each batch.</summary>
    public IProgress<long>? Progress { get; }

    /// <summary>Stops computation between batches (and inside them, if the mapper observes it).</summary>
    public CancellationToken CancellationToken { get; }

    /// <summary>
    /// Creates the computation for one cursor. <paramref name="input"/> has the dependencies active; take its getters here.
    /// <paramref name="batchCapacity"/> is the most slots that will be staged before a <see cref="BatchedRowMapper.ComputeBatch"/>.
    /// </summary>
    protected abstract BatchedRowMapper CreateMapper(DataViewRow input, int batchCapacity);

    internal BatchedRowMapper CreateMapperCore(DataViewRow input, int batchCapacity) =>
        CreateMapper(input, batchCapacity) ?? throw new InvalidOperationException($"{GetType().Name}.CreateMapper returned null.");

    private protected sealed override AppendingMapper CreateAppendingMapper(AppendedColumnBindings bindings, int[] dependencies) =>
        new BatchedAppendingMapper(this, bindings, dependencies);
}
