namespace Microsoft.ML.Attribution.Data;

/// <summary>A <see cref="string"/> member over a text column; null reads as empty text.</summary>
internal sealed class StringPocoColumn<TRow> : PocoColumn<TRow>
    where TRow : class
{
    private readonly Func<TRow, string?>? _get;
    private readonly Action<TRow, string?>? _set;

    public StringPocoColumn(PocoMember member, bool forWriting)
        : base(member)
    {
        if (forWriting)
            _set = member.CompileSetter<TRow, string?>();
        else
            _get = member.CompileGetter<TRow, string?>();
    }

    public override Delegate MakeGetter(IPocoRowSource<TRow> rows) =>
        (ValueGetter<ReadOnlyMemory<char>>)((ref ReadOnlyMemory<char> value) => value = _get!(rows.Current).AsMemory());

    public override Action<TRow> MakeSetter(DataViewRow row, DataViewSchema.Column column, bool reuseMemberBuffers)
    {
        ValueGetter<ReadOnlyMemory<char>> getter = row.GetGetter<ReadOnlyMemory<char>>(column);
        return target =>
        {
            ReadOnlyMemory<char> value = default;
            getter(ref value);
            _set!(target, value.ToString());
        };
    }
}
