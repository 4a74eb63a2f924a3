namespace Microsoft.ML.Attribution.Data;

/// <summary>
/// Base for attributes that choose a member's column type themselves, which is how features such as images plug their own types into
/// <see cref="DataOperationsCatalog.LoadFromEnumerable{TRow}"/>. The member's CLR type must be the type's <see cref="DataViewType.RawType"/>.
/// </summary>
[AttributeUsage(AttributeTargets.Field | AttributeTargets.Property, AllowMultiple = false, Inherited = true)]
public abstract class DataViewTypeAttribute : Attribute
{
    /// <summary>The column type for a member of CLR type <paramref name="memberType"/>; throw <see cref="ArgumentException"/> if it does not fit.</summary>
    public abstract DataViewType GetDataViewType(Type memberType);
}
