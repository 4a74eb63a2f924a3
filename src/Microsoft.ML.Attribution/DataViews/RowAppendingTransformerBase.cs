using Microsoft.ML;
using Microsoft.ML.Data;

namespace Microsoft.ML.Attribution.DataViews;

/// <summary>
/// Base for transformers that append columns computed from other columns of the same row, one row at a time (no read-ahead, no batching):
/// image loading and resizing, pixel extraction, metrics over a map. Use <see cref="BatchedAppendingTransformerBase"/> instead when rows are
/// cheaper together (one forward/backward pass per mini-batch).
/// </summary>
/// <remarks>
/// Lazy: <see cref="AppendingTransformerBase.Transform"/> only checks the schema. A getter computes its value when called, reading the current row of the input
/// through getters taken once per cursor. ML.NET's equivalent (<c>RowToRowTransformerBase</c>) keeps these members
/// <c>private protected</c>, so only its own packages can write transformers; this one is open.
/// </remarks>
public abstract class RowAppendingTransformerBase : AppendingTransformerBase
{
    /// <summary>
    /// Getters for the appended columns over <paramref name="input"/> (whose dependencies are active): element k is a
    /// <c>ValueGetter&lt;RawType&gt;</c> of appended column k when <paramref name="activeOutput"/>[k], otherwise null.
    /// <paramref name="disposer"/> releases per-cursor state and runs when the cursor is disposed.
    /// </summary>
    protected abstract Delegate?[] CreateGetters(DataViewRow input, bool[] activeOutput, out Action? disposer);

    private protected sealed override AppendingMapper CreateAppendingMapper(AppendedColumnBindings bindings, int[] dependencies) =>
        new RowMapper(this, bindings, dependencies);

    private sealed class RowMapper : AppendingMapper
    {
        private readonly RowAppendingTransformerBase _transformer;
        private readonly int[] _dependencies;

        public RowMapper(RowAppendingTransformerBase transformer, AppendedColumnBindings bindings, int[] dependencies)
            : base(bindings)
        {
            _transformer = transformer;
            _dependencies = dependencies;
        }

        public override IEnumerable<int> GetRowDependencies(bool[] activeAppended) => activeAppended.Contains(true) ? _dependencies : [];

        public override AppendedGetters CreateGetters(DataViewRow input, bool[] activeAppended, CursorSource? source)
        {
            if (!activeAppended.Contains(true))
                return new AppendedGetters(new Delegate?[activeAppended.Length]);
            Delegate?[] getters = _transformer.CreateGetters(input, activeAppended, out Action? disposer);
            var state = disposer is null ? null : new ActionDisposer(disposer);
            try
            {
                if (getters is null || getters.Length != activeAppended.Length)
                    throw new InvalidOperationException($"{_transformer.GetType().Name}.CreateGetters must return one entry per appended column ({activeAppended.Length}).");
                for (int k = 0; k < getters.Length; k++)
                {
                    if (!activeAppended[k])
                    {
                        getters[k] = null;
                        continue;
                    }
                    Type expected = typeof(ValueGetter<>).MakeGenericType(Bindings.Appended[k].Type.RawType);
                    if (getters[k]?.GetType() != expected)
                    {
                        throw new InvalidOperationException($"{_transformer.GetType().Name}: the getter for column '{Bindings.Appended[k].Name}' must be " +
                            $"{DataViewErrors.TypeName(expected)}, got {(getters[k] is null ? "null" : DataViewErrors.TypeName(getters[k]!.GetType()))}.");
                    }
                }
            }
            catch
            {
                state?.Dispose();
                throw;
            }
            return new AppendedGetters(getters, state);
        }
    }

    private sealed class ActionDisposer(Action action) : IDisposable
    {
        private Action? _action = action;

        public void Dispose()
        {
            _action?.Invoke();
            _action = null;
        }
    }
}
