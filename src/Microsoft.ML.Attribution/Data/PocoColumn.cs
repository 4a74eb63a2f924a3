namespace Microsoft.ML.Attribution.Data;

/// <summary>
/// Moves values between one member of a row class and one column: getters that read the member (building a view from objects) and
/// setters that fill it (reading a view back into objects). One generic subclass per <see cref="PocoMemberKind"/>.
/// </summary>
internal abstract class PocoColumn<TRow>
    where TRow : class
{
    protected PocoColumn(PocoMember member) => Member = member;

    public PocoMember Member { get; }

    public static PocoColumn<TRow> Create(PocoMember member, bool forWriting)
    {
        Type type = member.Kind switch
        {
            PocoMemberKind.Scalar => typeof(ScalarPocoColumn<,>).MakeGenericType(typeof(TRow), member.MemberType),
            PocoMemberKind.String => typeof(StringPocoColumn<>).MakeGenericType(typeof(TRow)),
            PocoMemberKind.Array => typeof(ArrayPocoColumn<,>).MakeGenericType(typeof(TRow), member.ItemType),
            PocoMemberKind.StringArray => typeof(StringArrayPocoColumn<>).MakeGenericType(typeof(TRow)),
            PocoMemberKind.VBuffer => typeof(VBufferPocoColumn<,>).MakeGenericType(typeof(TRow), member.ItemType),
            _ => throw new InvalidOperationException($"Unknown member kind {member.Kind}."),
        };
        return (PocoColumn<TRow>)Activator.CreateInstance(type, member, forWriting)!;
    }

    /// <summary>A <c>ValueGetter</c> of the column's raw type reading the member of <paramref name="rows"/>' current object.</summary>
    public abstract Delegate MakeGetter(IPocoRowSource<TRow> rows);

    /// <summary>
    /// An action that reads <paramref name="column"/> of <paramref name="row"/>'s current row into the member. With
    /// <paramref name="reuseMemberBuffers"/> an array already in the member is refilled when its length fits.
    /// </summary>
    public abstract Action<TRow> MakeSetter(DataViewRow row, DataViewSchema.Column column, bool reuseMemberBuffers);

    /// <summary>Throws if a vector value's length contradicts a declared known size.</summary>
    protected void CheckLength(int length, long position)
    {
        if (Member.NaturalType is VectorDataViewType { IsKnownSize: true } vector && vector.Size != length)
        {
            throw new InvalidOperationException(
                $"Row {position}: member '{Member.Member.Name}' holds {length} items but column '{Member.ColumnName}' is declared as {vector}.");
        }
    }

    /// <summary>The declared size for a null array: all-default of the known size, or empty when the size is unknown.</summary>
    protected int NullLength => Member.NaturalType is VectorDataViewType { IsKnownSize: true } vector ? vector.Size : 0;
}
