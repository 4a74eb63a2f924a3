using Microsoft.ML;
using Microsoft.ML.Data;

namespace Microsoft.ML.Attribution.DataViews;

/// <summary>
/// The lazy view a column-appending transformer returns: the source's columns plus the mapper's. Opening a cursor opens one on the source
/// with only the needed input columns active; appended values are computed when their getters are called.
/// </summary>
internal sealed class AppendedColumnsDataView : IDataView
{
    private readonly IDataView _source;
    private readonly AppendingMapper _mapper;

    public AppendedColumnsDataView(IDataView source, AppendingMapper mapper)
    {
        _source = source;
        _mapper = mapper;
    }

    public bool CanShuffle => _source.CanShuffle;

    public DataViewSchema Schema => _mapper.Bindings.OutputSchema;

    public long? GetRowCount() => _source.GetRowCount();

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null)
    {
        AppendedColumnBindings bindings = _mapper.Bindings;
        (bool[] activeInput, bool[] activeAppended) = bindings.Split(columnsNeeded, nameof(columnsNeeded));
        var inputNeeded = (bool[])activeInput.Clone();
        foreach (int dependency in _mapper.GetCursorDependencies(activeAppended))
            inputNeeded[dependency] = true;

        // Draw one seed so that any helper cursor the mapper opens can replay the same shuffle.
        int? seed = rand?.Next();
        var source = new CursorSource(_source, seed);
        DataViewRowCursor input = source.Open(bindings.InputSchema.Where(c => inputNeeded[c.Index]));
        try
        {
            AppendedGetters appended = _mapper.CreateGetters(input, activeAppended, source);
            return new AppendedColumnsCursor(bindings, input, activeInput, appended);
        }
        catch
        {
            input.Dispose();
            throw;
        }
    }

    // Appending mappers may keep per-cursor state that assumes one cursor sees consecutive rows, so hand out a single cursor.
    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) =>
        [GetRowCursor(columnsNeeded, rand)];
}
