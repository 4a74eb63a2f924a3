namespace Microsoft.ML.Attribution.Data;

/// <summary>How a class member maps to column values.</summary>
internal enum PocoMemberKind
{
    /// <summary>The member's type is the column's raw type.</summary>
    Scalar,

    /// <summary>A <see cref="string"/> member over a text column.</summary>
    String,

    /// <summary>A <c>T[]</c> member over a vector column of T.</summary>
    Array,

    /// <summary>A <c>string[]</c> member over a vector column of text.</summary>
    StringArray,

    /// <summary>A <see cref="VBuffer{T}"/> member over a vector column of T.</summary>
    VBuffer,
}
