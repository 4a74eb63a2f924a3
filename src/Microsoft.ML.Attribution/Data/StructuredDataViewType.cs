namespace Microsoft.ML.Attribution.Data;

/// <summary>A type whose values have inner structure: vectors, images.</summary>
public abstract class StructuredDataViewType : DataViewType
{
    protected StructuredDataViewType(Type rawType)
        : base(rawType)
    {
    }
}
