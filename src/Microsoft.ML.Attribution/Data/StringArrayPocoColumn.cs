namespace Microsoft.ML.Attribution.Data;

/// <summary>A <c>string[]</c> member over a vector column of text; null strings read as empty text.</summary>
internal sealed class StringArrayPocoColumn<TRow> : PocoColumn<TRow>
    where TRow : class
{
    private readonly Func<TRow, string?[]?>? _get;
    private readonly Action<TRow, string?[]?>? _set;

    public StringArrayPocoColumn(PocoMember member, bool forWriting)
        : base(member)
    {
        if (!forWriting || member.CanRead)
            _get = member.CompileGetter<TRow, string?[]?>();
        if (forWriting)
            _set = member.CompileSetter<TRow, string?[]?>();
    }

    public override Delegate MakeGetter(IPocoRowSource<TRow> rows) =>
        (ValueGetter<VBuffer<ReadOnlyMemory<char>>>)((ref VBuffer<ReadOnlyMemory<char>> value) =>
        {
            string?[]? items = _get!(rows.Current);
            if (items is null)
            {
                value = VBufferEditor.Create(ref value, NullLength, 0).Commit();
                return;
            }
            CheckLength(items.Length, rows.Position);
            var editor = VBufferEditor.Create(ref value, items.Length);
            for (int i = 0; i < items.Length; i++)
                editor.Values[i] = items[i].AsMemory();
            value = editor.Commit();
        });

    public override Action<TRow> MakeSetter(DataViewRow row, DataViewSchema.Column column, bool reuseMemberBuffers)
    {
        ValueGetter<VBuffer<ReadOnlyMemory<char>>> getter = row.GetGetter<VBuffer<ReadOnlyMemory<char>>>(column);
        VBuffer<ReadOnlyMemory<char>> buffer = default;
        return target =>
        {
            getter(ref buffer);
            string?[]? existing = reuseMemberBuffers ? _get?.Invoke(target) : null;
            string?[] items = existing is not null && existing.Length == buffer.Length ? existing : new string?[buffer.Length];
            int i = 0;
            foreach (ReadOnlyMemory<char> text in buffer.DenseValues())
                items[i++] = text.ToString();
            _set!(target, items);
        };
    }
}
