namespace Microsoft.ML.Attribution.Data;

/// <summary>The current object of an enumerable-backed cursor, for the getters of its columns.</summary>
internal interface IPocoRowSource<out TRow>
{
    /// <summary>The current object; throws when the cursor has no current row.</summary>
    TRow Current { get; }

    long Position { get; }
}
