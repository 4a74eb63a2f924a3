namespace Microsoft.ML.Attribution.Data;

/// <summary>A type whose values are plain values: numbers, text, booleans, keys. Its raw type is never <see cref="IDisposable"/>.</summary>
public abstract class PrimitiveDataViewType : DataViewType
{
    private protected PrimitiveDataViewType(Type rawType)
        : base(rawType)
    {
        if (typeof(IDisposable).IsAssignableFrom(rawType))
            throw new ArgumentException($"A primitive type's raw type cannot be IDisposable, got '{rawType.Name}'.", nameof(rawType));
    }
}
