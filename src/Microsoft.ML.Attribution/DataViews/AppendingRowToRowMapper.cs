using Microsoft.ML;
using Microsoft.ML.Data;

namespace Microsoft.ML.Attribution.DataViews;

/// <summary>The single-row form of an <see cref="AppendingMapper"/>.</summary>
internal sealed class AppendingRowToRowMapper : IRowToRowMapper
{
    private readonly AppendingMapper _mapper;

    public AppendingRowToRowMapper(AppendingMapper mapper) => _mapper = mapper;

    public DataViewSchema InputSchema => _mapper.Bindings.InputSchema;

    public DataViewSchema OutputSchema => _mapper.Bindings.OutputSchema;

    public IEnumerable<DataViewSchema.Column> GetDependencies(IEnumerable<DataViewSchema.Column> dependingColumns)
    {
        (bool[] input, bool[] appended) = _mapper.Bindings.Split(dependingColumns, nameof(dependingColumns));
        foreach (int dependency in _mapper.GetRowDependencies(appended))
            input[dependency] = true;
        return InputSchema.Where(c => input[c.Index]).ToArray();
    }

    public DataViewRow GetRow(DataViewRow input, IEnumerable<DataViewSchema.Column> activeColumns)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (!SameColumns(input.Schema, InputSchema))
            throw new ArgumentException("The input row's schema is not the schema this mapper was created for.", nameof(input));
        (bool[] activeInput, bool[] activeAppended) = _mapper.Bindings.Split(activeColumns, nameof(activeColumns));
        AppendedGetters appended = _mapper.CreateGetters(input, activeAppended, source: null);
        return new AppendedColumnsRow(_mapper.Bindings, input, activeInput, appended);
    }

    private static bool SameColumns(DataViewSchema actual, DataViewSchema expected) =>
        ReferenceEquals(actual, expected) || (actual.Count == expected.Count && expected.All(actual.Owns));
}
