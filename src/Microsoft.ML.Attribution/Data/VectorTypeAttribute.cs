namespace Microsoft.ML.Attribution.Data;

/// <summary>
/// Declares the dimensions of an array (or <see cref="VBuffer{T}"/>) member's vector column, e.g. <c>[VectorType(3, 224, 224)]</c>.
/// Without dimensions the vector has unknown size. Rows whose length differs from a known size are rejected when read.
/// </summary>
[AttributeUsage(AttributeTargets.Field | AttributeTargets.Property, AllowMultiple = false, Inherited = true)]
public sealed class VectorTypeAttribute : Attribute
{
    public VectorTypeAttribute()
        : this(Array.Empty<int>())
    {
    }

    public VectorTypeAttribute(params int[] dimensions)
    {
        ArgumentNullException.ThrowIfNull(dimensions);
        if (dimensions.Any(d => d < 0))
            throw new ArgumentOutOfRangeException(nameof(dimensions), "Vector dimensions must be non-negative (0 = unknown).");
        Dimensions = (int[])dimensions.Clone();
    }

    /// <summary>The declared dimensions; empty means a single unknown dimension.</summary>
    public int[] Dimensions { get; }
}
