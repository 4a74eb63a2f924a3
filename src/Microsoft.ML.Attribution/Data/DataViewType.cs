namespace Microsoft.ML.Attribution.Data;

/// <summary>
/// The logical type of a column. <see cref="RawType"/> is the CLR type that getters use. Types are immutable and compared by value
/// through <see cref="Equals(DataViewType?)"/>.
/// </summary>
public abstract class DataViewType : IEquatable<DataViewType>
{
    private protected DataViewType(Type rawType)
    {
        ArgumentNullException.ThrowIfNull(rawType);
        RawType = rawType;
    }

    /// <summary>The exact type argument that <see cref="DataViewRow.GetGetter{TValue}"/> accepts for a column of this type.</summary>
    public Type RawType { get; }

    public abstract bool Equals(DataViewType? other);

    public sealed override bool Equals(object? obj) => obj is DataViewType other && Equals(other);

    // Singletons keep reference equality, so the runtime hash of the instance is consistent with Equals.
    public override int GetHashCode() => base.GetHashCode();
}
