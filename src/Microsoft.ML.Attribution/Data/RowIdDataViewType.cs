namespace Microsoft.ML.Attribution.Data;

/// <summary>Row ids; values are <see cref="DataViewRowId"/>.</summary>
public sealed class RowIdDataViewType : PrimitiveDataViewType
{
    private RowIdDataViewType()
        : base(typeof(DataViewRowId))
    {
    }

    public static RowIdDataViewType Instance { get; } = new();

    public override bool Equals(DataViewType? other) => ReferenceEquals(this, other);

    public override int GetHashCode() => RawType.GetHashCode();

    public override string ToString() => "DataViewRowId";
}
