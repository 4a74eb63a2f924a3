using Microsoft.ML;
using Microsoft.ML.Data;

namespace Microsoft.ML.Attribution.DataViews;

/// <summary>Connects a <see cref="BatchedAppendingTransformerBase"/> to the shared appending views: opens the read-ahead cursor and the cache.</summary>
internal sealed class BatchedAppendingMapper : AppendingMapper
{
    private readonly BatchedAppendingTransformerBase _transformer;
    private readonly int[] _dependencies;

    public BatchedAppendingMapper(BatchedAppendingTransformerBase transformer, AppendedColumnBindings bindings, int[] dependencies)
        : base(bindings)
    {
        _transformer = transformer;
        _dependencies = dependencies;
    }

    public override IEnumerable<int> GetRowDependencies(bool[] activeAppended) =>
        activeAppended.Contains(true) ? _dependencies : [];

    // The read-ahead cursor reads the dependencies, so the main cursor needs none of them.
    public override IEnumerable<int> GetCursorDependencies(bool[] activeAppended) => [];

    public override AppendedGetters CreateGetters(DataViewRow input, bool[] activeAppended, CursorSource? source)
    {
        var getters = new Delegate?[activeAppended.Length];
        if (!activeAppended.Contains(true))
            return new AppendedGetters(getters);

        BatchedRowCache cache;
        if (source is null)
        {
            cache = BatchedRowCache.ForRow(_transformer, input);
        }
        else
        {
            DataViewRowCursor lookahead = source.Open(_dependencies.Select(i => Bindings.InputSchema[i]));
            cache = BatchedRowCache.ForCursor(_transformer, input, lookahead);
        }

        try
        {
            for (int k = 0; k < getters.Length; k++)
            {
                if (!activeAppended[k])
                    continue;
                Delegate getter = cache.Mapper.CreateGetter(k, cache.CurrentSlot);
                Type expected = typeof(ValueGetter<>).MakeGenericType(Bindings.Appended[k].Type.RawType);
                if (getter?.GetType() != expected)
                {
                    throw new InvalidOperationException($"{_transformer.GetType().Name}: the getter for column '{Bindings.Appended[k].Name}' must be " +
                        $"{DataViewErrors.TypeName(expected)}, got {(getter is null ? "null" : DataViewErrors.TypeName(getter.GetType()))}.");
                }
                getters[k] = getter;
            }
        }
        catch
        {
            cache.Dispose();
            throw;
        }
        return new AppendedGetters(getters, cache);
    }
}
