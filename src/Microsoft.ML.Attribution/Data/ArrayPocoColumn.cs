namespace Microsoft.ML.Attribution.Data;

/// <summary>A <c>TItem[]</c> member over a vector column of TItem. A null array reads as an empty vector (all-default when the size is known).</summary>
internal sealed class ArrayPocoColumn<TRow, TItem> : PocoColumn<TRow>
    where TRow : class
{
    private readonly Func<TRow, TItem[]?>? _get;
    private readonly Action<TRow, TItem[]?>? _set;

    public ArrayPocoColumn(PocoMember member, bool forWriting)
        : base(member)
    {
        if (!forWriting || member.CanRead)
            _get = member.CompileGetter<TRow, TItem[]?>();
        if (forWriting)
            _set = member.CompileSetter<TRow, TItem[]?>();
    }

    public override Delegate MakeGetter(IPocoRowSource<TRow> rows) =>
        (ValueGetter<VBuffer<TItem>>)((ref VBuffer<TItem> value) =>
        {
            TItem[]? items = _get!(rows.Current);
            if (items is null)
            {
                value = VBufferEditor.Create(ref value, NullLength, 0).Commit();
                return;
            }
            CheckLength(items.Length, rows.Position);
            var editor = VBufferEditor.Create(ref value, items.Length);
            items.CopyTo(editor.Values);
            value = editor.Commit();
        });

    public override Action<TRow> MakeSetter(DataViewRow row, DataViewSchema.Column column, bool reuseMemberBuffers)
    {
        ValueGetter<VBuffer<TItem>> getter = row.GetGetter<VBuffer<TItem>>(column);
        VBuffer<TItem> buffer = default;
        return target =>
        {
            getter(ref buffer);
            TItem[]? existing = reuseMemberBuffers ? _get?.Invoke(target) : null;
            TItem[] items = existing is not null && existing.Length == buffer.Length ? existing : new TItem[buffer.Length];
            buffer.CopyTo(items);
            _set!(target, items);
        };
    }
}
