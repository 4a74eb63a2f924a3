namespace Microsoft.ML.Attribution.Data;

/// <summary>A <see cref="VBuffer{T}"/> member over a vector column; values are copied so rows never share arrays with the view.</summary>
internal sealed class VBufferPocoColumn<TRow, TItem> : PocoColumn<TRow>
    where TRow : class
{
    private readonly Func<TRow, VBuffer<TItem>>? _get;
    private readonly Action<TRow, VBuffer<TItem>>? _set;

    public VBufferPocoColumn(PocoMember member, bool forWriting)
        : base(member)
    {
        if (!forWriting || member.CanRead)
            _get = member.CompileGetter<TRow, VBuffer<TItem>>();
        if (forWriting)
            _set = member.CompileSetter<TRow, VBuffer<TItem>>();
    }

    public override Delegate MakeGetter(IPocoRowSource<TRow> rows) =>
        (ValueGetter<VBuffer<TItem>>)((ref VBuffer<TItem> value) =>
        {
            VBuffer<TItem> source = _get!(rows.Current);
            CheckLength(source.Length, rows.Position);
            source.CopyTo(ref value);
        });

    public override Action<TRow> MakeSetter(DataViewRow row, DataViewSchema.Column column, bool reuseMemberBuffers)
    {
        ValueGetter<VBuffer<TItem>> getter = row.GetGetter<VBuffer<TItem>>(column);
        VBuffer<TItem> buffer = default;
        return target =>
        {
            getter(ref buffer);
            VBuffer<TItem> copy = reuseMemberBuffers && _get is not null ? _get(target) : default;
            buffer.CopyTo(ref copy);
            _set!(target, copy);
        };
    }
}
