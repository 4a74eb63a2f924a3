using System.Globalization;

namespace Microsoft.ML.Attribution.Data;

/// <summary>A 128-bit row id (<see cref="Low"/> + <see cref="High"/>), stable across cursorings of the same view.</summary>
public readonly struct DataViewRowId : IEquatable<DataViewRowId>, IComparable<DataViewRowId>
{
    public readonly ulong Low;
    public readonly ulong High;

    public DataViewRowId(ulong low, ulong high)
    {
        Low = low;
        High = high;
    }

    public bool Equals(DataViewRowId other) => Low == other.Low && High == other.High;

    public override bool Equals(object? obj) => obj is DataViewRowId other && Equals(other);

    public override int GetHashCode() => HashCode.Combine(Low, High);

    public int CompareTo(DataViewRowId other) =>
        High != other.High ? High.CompareTo(other.High) : Low.CompareTo(other.Low);

    public override string ToString() =>
        "0x" + High.ToString("x16", CultureInfo.InvariantCulture) + Low.ToString("x16", CultureInfo.InvariantCulture);

    public static bool operator ==(DataViewRowId left, DataViewRowId right) => left.Equals(right);
    public static bool operator !=(DataViewRowId left, DataViewRowId right) => !left.Equals(right);
    public static bool operator <(DataViewRowId left, DataViewRowId right) => left.CompareTo(right) < 0;
    public static bool operator >(DataViewRowId left, DataViewRowId right) => left.CompareTo(right) > 0;
    public static bool operator <=(DataViewRowId left, DataViewRowId right) => left.CompareTo(right) <= 0;
    public static bool operator >=(DataViewRowId left, DataViewRowId right) => left.CompareTo(right) >= 0;
}
