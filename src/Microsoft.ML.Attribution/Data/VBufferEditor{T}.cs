namespace Microsoft.ML.Attribution.Data;

/// <summary>
/// Writes a <see cref="VBuffer{T}"/> in place: fill <see cref="Values"/> (and <see cref="Indices"/> when sparse), then call
/// <see cref="Commit"/> and assign the result back. The editor owns the arrays it was created from.
/// </summary>
public readonly ref struct VBufferEditor<T>
{
    private readonly int _logicalLength;
    private readonly T[] _values;
    private readonly int[] _indices;

    internal VBufferEditor(int logicalLength, int valuesCount, T[] values, int[] indices, bool exposeIndices, bool createdNewValues, bool createdNewIndices)
    {
        _logicalLength = logicalLength;
        _values = values;
        _indices = indices;
        Values = values.AsSpan(0, valuesCount);
        Indices = exposeIndices ? indices.AsSpan(0, valuesCount) : Span<int>.Empty;
        CreatedNewValues = createdNewValues;
        CreatedNewIndices = createdNewIndices;
    }

    /// <summary>The explicit values to write.</summary>
    public Span<T> Values { get; }

    /// <summary>The positions of <see cref="Values"/> when sparse: strictly increasing in [0, length).</summary>
    public Span<int> Indices { get; }

    /// <summary>Whether the values array had to be allocated (its old contents are gone unless keepOldOnResize was set).</summary>
    public bool CreatedNewValues { get; }

    public bool CreatedNewIndices { get; }

    /// <summary>The finished vector.</summary>
    public VBuffer<T> Commit() => new(_logicalLength, Values.Length, _values, _indices, trusted: true);

    /// <summary>The finished vector with only the first <paramref name="maxValuesCount"/> explicit values (for sparse results whose count was overestimated).</summary>
    public VBuffer<T> CommitTruncated(int maxValuesCount)
    {
        if (maxValuesCount < 0 || maxValuesCount > Values.Length)
            throw new ArgumentOutOfRangeException(nameof(maxValuesCount), maxValuesCount, $"Must be in [0, {Values.Length}].");
        if (maxValuesCount < _logicalLength && Indices.Length < maxValuesCount)
            throw new InvalidOperationException("A truncated vector is sparse and needs indices; create the editor with requireIndicesOnDense.");
        return new(_logicalLength, maxValuesCount, _values, _indices, trusted: true);
    }
}
