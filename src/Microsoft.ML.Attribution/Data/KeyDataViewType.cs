namespace Microsoft.ML.Attribution.Data;

/// <summary>
/// A categorical key: values are 1-based indices into a set of <see cref="Count"/> categories, and 0 means missing.
/// The raw type is one of <see cref="byte"/>, <see cref="ushort"/>, <see cref="uint"/>, <see cref="ulong"/>.
/// </summary>
public sealed class KeyDataViewType : PrimitiveDataViewType
{
    public KeyDataViewType(Type type, ulong count)
        : base(type)
    {
        if (!IsValidDataType(type))
            throw new ArgumentException($"Key raw type must be Byte, UInt16, UInt32 or UInt64, got '{type.Name}'.", nameof(type));
        if (count == 0 || count > MaxCount(type))
            throw new ArgumentOutOfRangeException(nameof(count), count, $"Key count must be in [1, {MaxCount(type)}] for '{type.Name}'.");
        Count = count;
    }

    public KeyDataViewType(Type type, int count)
        : this(type, count > 0 ? (ulong)count : throw new ArgumentOutOfRangeException(nameof(count), count, "Key count must be positive."))
    {
    }

    /// <summary>The number of categories (the largest valid key value).</summary>
    public ulong Count { get; }

    public static bool IsValidDataType(Type type) =>
        type == typeof(byte) || type == typeof(ushort) || type == typeof(uint) || type == typeof(ulong);

    public override bool Equals(DataViewType? other) =>
        other is KeyDataViewType key && key.RawType == RawType && key.Count == Count;

    public override int GetHashCode() => HashCode.Combine(RawType, Count);

    public override string ToString() => $"Key<{RawType.Name}, 0-{Count - 1}>";

    private static ulong MaxCount(Type type) =>
        type == typeof(byte) ? byte.MaxValue : type == typeof(ushort) ? ushort.MaxValue : type == typeof(uint) ? uint.MaxValue : ulong.MaxValue;
}
