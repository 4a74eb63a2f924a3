using System.Collections.Immutable;

namespace Microsoft.ML.Attribution.Data;

/// <summary>
/// A vector of <see cref="ItemType"/>. Values are always a flat <see cref="VBuffer{T}"/> in row-major order; <see cref="Dimensions"/> is
/// metadata only. A dimension of 0 means unknown, and any unknown dimension makes the whole size unknown.
/// </summary>
public sealed class VectorDataViewType : StructuredDataViewType
{
    public VectorDataViewType(PrimitiveDataViewType itemType, int size = 0)
        : this(itemType, ImmutableArray.Create(size))
    {
    }

    public VectorDataViewType(PrimitiveDataViewType itemType, params int[] dimensions)
        : this(itemType, dimensions is null ? throw new ArgumentNullException(nameof(dimensions)) : ImmutableArray.Create(dimensions))
    {
    }

    public VectorDataViewType(PrimitiveDataViewType itemType, ImmutableArray<int> dimensions)
        : base(MakeRawType(itemType))
    {
        if (dimensions.IsDefaultOrEmpty)
            throw new ArgumentException("A vector needs at least one dimension (0 = unknown).", nameof(dimensions));
        long size = 1;
        foreach (int d in dimensions)
        {
            if (d < 0)
                throw new ArgumentOutOfRangeException(nameof(dimensions), d, "Vector dimensions must be non-negative.");
            size *= d;
            if (size > int.MaxValue)
                throw new ArgumentOutOfRangeException(nameof(dimensions), "The product of the vector dimensions exceeds Int32.MaxValue.");
        }
        ItemType = itemType;
        Dimensions = dimensions;
        Size = (int)size;
    }

    public PrimitiveDataViewType ItemType { get; }

    public ImmutableArray<int> Dimensions { get; }

    /// <summary>The product of <see cref="Dimensions"/>; 0 when any dimension is unknown.</summary>
    public int Size { get; }

    public bool IsKnownSize => Size > 0;

    public override bool Equals(DataViewType? other)
    {
        if (ReferenceEquals(this, other))
            return true;
        return other is VectorDataViewType v && v.ItemType.Equals(ItemType) && v.Dimensions.AsSpan().SequenceEqual(Dimensions.AsSpan());
    }

    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(ItemType);
        foreach (int d in Dimensions)
            hash.Add(d);
        return hash.ToHashCode();
    }

    public override string ToString()
    {
        if (Dimensions.Length == 1)
            return Dimensions[0] == 0 ? $"Vector<{ItemType}>" : $"Vector<{ItemType}, {Dimensions[0]}>";
        return $"Vector<{ItemType}, {string.Join(", ", Dimensions.Select(d => d == 0 ? "*" : d.ToString(System.Globalization.CultureInfo.InvariantCulture)))}>";
    }

    private static Type MakeRawType(PrimitiveDataViewType itemType)
    {
        ArgumentNullException.ThrowIfNull(itemType);
        return typeof(VBuffer<>).MakeGenericType(itemType.RawType);
    }
}
