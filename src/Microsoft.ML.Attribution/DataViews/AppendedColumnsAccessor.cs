using Microsoft.ML;
using Microsoft.ML.Data;

namespace Microsoft.ML.Attribution.DataViews;

/// <summary>The getter logic shared by <see cref="AppendedColumnsCursor"/> and <see cref="AppendedColumnsRow"/>: pass input columns through, serve appended ones.</summary>
internal sealed class AppendedColumnsAccessor : IDisposable
{
    private readonly AppendedColumnBindings _bindings;
    private readonly DataViewRow _input;
    private readonly bool[] _activeInput;
    private readonly AppendedGetters _appended;

    public AppendedColumnsAccessor(AppendedColumnBindings bindings, DataViewRow input, bool[] activeInput, AppendedGetters appended)
    {
        _bindings = bindings;
        _input = input;
        _activeInput = activeInput;
        _appended = appended;
    }

    public bool IsColumnActive(DataViewSchema.Column column)
    {
        if (!_bindings.OutputSchema.Owns(column))
            throw DataViewErrors.ForeignColumn(column);
        return _bindings.IsAppended(column.Index, out int source) ? _appended.Getters[source] is not null : _activeInput[source] && _input.IsColumnActive(_bindings.InputSchema[source]);
    }

    public ValueGetter<TValue> GetGetter<TValue>(DataViewRow owner, DataViewSchema.Column column)
    {
        GetterUtils.CheckGetterRequest<TValue>(owner, column);
        if (!_bindings.IsAppended(column.Index, out int source))
            return _input.GetGetter<TValue>(_bindings.InputSchema[source]);
        return _appended.Getters[source] as ValueGetter<TValue>
            ?? throw new InvalidOperationException($"The transformer produced a getter of type {DataViewErrors.TypeName(_appended.Getters[source]!.GetType())} for column '{column.Name}' of type {column.Type}.");
    }

    public void Dispose()
    {
        _appended.Dispose();
        _input.Dispose();
    }
}
