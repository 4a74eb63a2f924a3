namespace Microsoft.ML.Attribution.Data;

/// <summary>Text. Values are <see cref="ReadOnlyMemory{T}"/> of <see cref="char"/> (not <see cref="string"/>) so that slices need no copies.</summary>
public sealed class TextDataViewType : PrimitiveDataViewType
{
    private TextDataViewType()
        : base(typeof(ReadOnlyMemory<char>))
    {
    }

    public static TextDataViewType Instance { get; } = new();

    public override bool Equals(DataViewType? other) => ReferenceEquals(this, other);

    public override int GetHashCode() => RawType.GetHashCode();

    public override string ToString() => "String";
}
