using Microsoft.ML;
using Microsoft.ML.Data;

namespace Microsoft.ML.Attribution.DataViews;

/// <summary>A live row over an input row plus appended columns (single-row mapping).</summary>
internal sealed class AppendedColumnsRow : DataViewRow
{
    private readonly DataViewRow _input;
    private readonly AppendedColumnsAccessor _accessor;
    private bool _disposed;

    public AppendedColumnsRow(AppendedColumnBindings bindings, DataViewRow input, bool[] activeInput, AppendedGetters appended)
    {
        Schema = bindings.OutputSchema;
        _input = input;
        _accessor = new AppendedColumnsAccessor(bindings, input, activeInput, appended);
    }

    public override long Position => _input.Position;

    public override long Batch => _input.Batch;

    public override DataViewSchema Schema { get; }

    public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column) => _accessor.GetGetter<TValue>(this, column);

    public override bool IsColumnActive(DataViewSchema.Column column) => _accessor.IsColumnActive(column);

    public override ValueGetter<DataViewRowId> GetIdGetter() => _input.GetIdGetter();

    protected override void Dispose(bool disposing)
    {
        if (_disposed)
            return;
        _disposed = true;
        if (disposing)
            _accessor.Dispose();
        base.Dispose(disposing);
    }
}
