namespace Microsoft.ML.Attribution.Data;

/// <summary>Creates <see cref="VBufferEditor{T}"/>s, which write a <see cref="VBuffer{T}"/> in place, reusing its arrays.</summary>
public static class VBufferEditor
{
    /// <summary>
    /// Takes over <paramref name="destination"/>'s arrays to write a vector of logical length <paramref name="newLogicalLength"/> with
    /// <paramref name="valuesCount"/> explicit values (default: dense). Arrays are reused when large enough and reallocated otherwise
    /// (at least <paramref name="maxValuesCapacity"/> when given; old contents copied when <paramref name="keepOldOnResize"/>).
    /// Sparse vectors get an <see cref="VBufferEditor{T}.Indices"/> span; dense ones only when <paramref name="requireIndicesOnDense"/>.
    /// </summary>
    public static VBufferEditor<T> Create<T>(ref VBuffer<T> destination, int newLogicalLength, int? valuesCount = null,
        int? maxValuesCapacity = null, bool keepOldOnResize = false, bool requireIndicesOnDense = false)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(newLogicalLength);
        int count = valuesCount ?? newLogicalLength;
        if (count < 0 || count > newLogicalLength)
            throw new ArgumentOutOfRangeException(nameof(valuesCount), count, $"valuesCount must be in [0, {newLogicalLength}].");
        int capacity = Math.Max(count, maxValuesCapacity ?? 0);

        T[]? values = destination.ValuesArray;
        bool newValues = false;
        if ((values?.Length ?? 0) < count)
        {
            T[] grown = new T[capacity];
            if (keepOldOnResize && values is not null)
                values.AsSpan().CopyTo(grown);
            values = grown;
            newValues = true;
        }

        int[]? indices = destination.IndicesArray;
        bool newIndices = false;
        bool needIndices = count < newLogicalLength || requireIndicesOnDense;
        if (needIndices && (indices?.Length ?? 0) < count)
        {
            int[] grown = new int[capacity];
            if (keepOldOnResize && indices is not null)
                indices.AsSpan().CopyTo(grown);
            indices = grown;
            newIndices = true;
        }

        return new VBufferEditor<T>(newLogicalLength, count, values ?? Array.Empty<T>(), indices ?? Array.Empty<int>(), needIndices, newValues, newIndices);
    }

    /// <summary>An editor over <paramref name="destination"/>'s current values and indices, same length and count.</summary>
    public static VBufferEditor<T> CreateFromBuffer<T>(ref VBuffer<T> destination)
    {
        int count = destination.GetValues().Length;
        bool sparse = !destination.IsDense;
        return new VBufferEditor<T>(destination.Length, count, destination.ValuesArray ?? Array.Empty<T>(),
            destination.IndicesArray ?? Array.Empty<int>(), sparse, createdNewValues: false, createdNewIndices: false);
    }
}
