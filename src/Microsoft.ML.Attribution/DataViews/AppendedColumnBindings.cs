using Microsoft.ML;
using Microsoft.ML.Data;

namespace Microsoft.ML.Attribution.DataViews;

/// <summary>
/// The output schema of a transformer that keeps every input column and appends some: a new name goes at the end, a reused name goes
/// right after the last column of that name (which it hides). Maps each output column back to its input or appended source.
/// </summary>
internal sealed class AppendedColumnBindings
{
    // >= 0: input column index; < 0: ~(appended column index).
    private readonly int[] _sources;

    public AppendedColumnBindings(DataViewSchema inputSchema, IReadOnlyList<DataViewSchema.DetachedColumn> appended)
    {
        InputSchema = inputSchema;
        Appended = appended;

        var order = new List<int>(inputSchema.Count + appended.Count);
        var names = new List<string>(inputSchema.Count + appended.Count);
        for (int i = 0; i < inputSchema.Count; i++)
        {
            order.Add(i);
            names.Add(inputSchema[i].Name);
        }
        for (int k = 0; k < appended.Count; k++)
        {
            int at = names.LastIndexOf(appended[k].Name) + 1;
            if (at == 0)
                at = order.Count;
            order.Insert(at, ~k);
            names.Insert(at, appended[k].Name);
        }
        _sources = order.ToArray();

        AppendedOutputIndex = new int[appended.Count];
        var builder = new DataViewSchema.Builder();
        for (int i = 0; i < _sources.Length; i++)
        {
            if (_sources[i] >= 0)
            {
                DataViewSchema.Column input = inputSchema[_sources[i]];
                builder.AddColumn(input.Name, input.Type, input.Annotations);
            }
            else
            {
                DataViewSchema.DetachedColumn added = appended[~_sources[i]];
                builder.AddColumn(added.Name, added.Type, added.Annotations);
                AppendedOutputIndex[~_sources[i]] = i;
            }
        }
        OutputSchema = builder.ToSchema();
    }

    public DataViewSchema InputSchema { get; }

    public DataViewSchema OutputSchema { get; }

    public IReadOnlyList<DataViewSchema.DetachedColumn> Appended { get; }

    /// <summary>The output index of each appended column.</summary>
    public int[] AppendedOutputIndex { get; }

    /// <summary>True (with the appended index) if output column <paramref name="outputIndex"/> is appended; otherwise gives its input index.</summary>
    public bool IsAppended(int outputIndex, out int sourceIndex)
    {
        int source = _sources[outputIndex];
        sourceIndex = source >= 0 ? source : ~source;
        return source < 0;
    }

    /// <summary>Splits requested output columns into requested input columns and requested appended columns.</summary>
    public (bool[] Input, bool[] Appended) Split(IEnumerable<DataViewSchema.Column> outputColumns, string paramName)
    {
        ArgumentNullException.ThrowIfNull(outputColumns, paramName);
        var input = new bool[InputSchema.Count];
        var appended = new bool[Appended.Count];
        foreach (DataViewSchema.Column column in outputColumns)
        {
            if (!OutputSchema.Owns(column))
                throw DataViewErrors.ForeignColumn(column, paramName);
            if (IsAppended(column.Index, out int source))
                appended[source] = true;
            else
                input[source] = true;
        }
        return (input, appended);
    }
}
