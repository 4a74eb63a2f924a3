namespace Microsoft.ML.Attribution.Data;

/// <summary>A member whose type is the column's raw type (numbers, Boolean, <c>ReadOnlyMemory&lt;char&gt;</c>, custom types).</summary>
internal sealed class ScalarPocoColumn<TRow, TValue> : PocoColumn<TRow>
    where TRow : class
{
    private readonly Func<TRow, TValue>? _get;
    private readonly Action<TRow, TValue>? _set;

    public ScalarPocoColumn(PocoMember member, bool forWriting)
        : base(member)
    {
        if (forWriting)
            _set = member.CompileSetter<TRow, TValue>();
        else
            _get = member.CompileGetter<TRow, TValue>();
    }

    public override Delegate MakeGetter(IPocoRowSource<TRow> rows) => (ValueGetter<TValue>)((ref TValue value) => value = _get!(rows.Current));

    public override Action<TRow> MakeSetter(DataViewRow row, DataViewSchema.Column column, bool reuseMemberBuffers)
    {
        ValueGetter<TValue> getter = row.GetGetter<TValue>(column);
        return target =>
        {
            TValue value = default!;
            getter(ref value);
            _set!(target, value);
        };
    }
}
