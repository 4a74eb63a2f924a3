namespace Microsoft.ML.Attribution.Data;

/// <summary>The numeric scalar types. Only the singletons exist, so equality is reference equality.</summary>
public sealed class NumberDataViewType : PrimitiveDataViewType
{
    private NumberDataViewType(Type rawType)
        : base(rawType)
    {
    }

    public static NumberDataViewType SByte { get; } = new(typeof(sbyte));
    public static NumberDataViewType Byte { get; } = new(typeof(byte));
    public static NumberDataViewType Int16 { get; } = new(typeof(short));
    public static NumberDataViewType UInt16 { get; } = new(typeof(ushort));
    public static NumberDataViewType Int32 { get; } = new(typeof(int));
    public static NumberDataViewType UInt32 { get; } = new(typeof(uint));
    public static NumberDataViewType Int64 { get; } = new(typeof(long));
    public static NumberDataViewType UInt64 { get; } = new(typeof(ulong));
    public static NumberDataViewType Single { get; } = new(typeof(float));
    public static NumberDataViewType Double { get; } = new(typeof(double));

    /// <summary>The singleton whose raw type is <paramref name="rawType"/>, or null if it is not a supported number type.</summary>
    internal static NumberDataViewType? FromRawType(Type rawType) =>
        Type.GetTypeCode(rawType) switch
        {
            _ when rawType.IsEnum => null,
            TypeCode.SByte => SByte,
            TypeCode.Byte => Byte,
            TypeCode.Int16 => Int16,
            TypeCode.UInt16 => UInt16,
            TypeCode.Int32 => Int32,
            TypeCode.UInt32 => UInt32,
            TypeCode.Int64 => Int64,
            TypeCode.UInt64 => UInt64,
            TypeCode.Single => Single,
            TypeCode.Double => Double,
            _ => null,
        };

    public override bool Equals(DataViewType? other) => ReferenceEquals(this, other);

    public override int GetHashCode() => RawType.GetHashCode();

    public override string ToString() => RawType.Name;
}
