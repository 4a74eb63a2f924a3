namespace Microsoft.ML.Attribution.Data;

/// <summary>
/// A vector of logical length <see cref="Length"/>, stored dense (every value explicit) or sparse (explicit values at strictly increasing
/// indices, <c>default(T)</c> elsewhere). Consumers must treat both forms as the same vector. The arrays may be longer than needed, so
/// that a buffer can be reused from row to row through <see cref="VBufferEditor"/>.
/// </summary>
public readonly struct VBuffer<T>
{
    private readonly int _count;
    private readonly T[]? _values;
    private readonly int[]? _indices;

    /// <summary>The logical length.</summary>
    public readonly int Length;

    /// <summary>A dense vector over the first <paramref name="length"/> items of <paramref name="values"/>; <paramref name="indices"/> is only kept for reuse.</summary>
    public VBuffer(int length, T[] values, int[]? indices = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        if ((values?.Length ?? 0) < length)
            throw new ArgumentException($"values holds {values?.Length ?? 0} items but the vector is dense of length {length}.", nameof(values));
        Length = length;
        _count = length;
        _values = values;
        _indices = indices;
    }

    /// <summary>
    /// A vector with <paramref name="count"/> explicit values. When <paramref name="count"/> is less than <paramref name="length"/> the vector
    /// is sparse and the first <paramref name="count"/> items of <paramref name="indices"/> must be strictly increasing in [0, length).
    /// </summary>
    public VBuffer(int length, int count, T[] values, int[]? indices)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        if (count < 0 || count > length)
            throw new ArgumentOutOfRangeException(nameof(count), count, $"count must be in [0, {length}].");
        if ((values?.Length ?? 0) < count)
            throw new ArgumentException($"values holds {values?.Length ?? 0} items, fewer than count {count}.", nameof(values));
        if (count < length)
        {
            if ((indices?.Length ?? 0) < count)
                throw new ArgumentException($"indices holds {indices?.Length ?? 0} items, fewer than count {count}.", nameof(indices));
            for (int i = 0; i < count; i++)
            {
                int index = indices![i];
                if (index < 0 || index >= length || (i > 0 && index <= indices[i - 1]))
                    throw new ArgumentException($"indices must be strictly increasing in [0, {length}); item {i} is {index}.", nameof(indices));
            }
        }
        Length = length;
        _count = count;
        _values = values;
        _indices = indices;
    }

    // The editor has already established the invariants, so committing skips the O(count) checks.
    internal VBuffer(int length, int count, T[]? values, int[]? indices, bool trusted)
    {
        _ = trusted;
        Length = length;
        _count = count;
        _values = values;
        _indices = indices;
    }

    /// <summary>True when every item is explicit (<see cref="GetIndices"/> is then empty).</summary>
    public bool IsDense => _count == Length;

    /// <summary>The explicit values: all items when dense, the items at <see cref="GetIndices"/> when sparse.</summary>
    public ReadOnlySpan<T> GetValues() => new(_values, 0, _count);

    /// <summary>The positions of the explicit values when sparse; empty when dense.</summary>
    public ReadOnlySpan<int> GetIndices() => IsDense ? ReadOnlySpan<int>.Empty : new ReadOnlySpan<int>(_indices, 0, _count);

    internal T[]? ValuesArray => _values;

    internal int[]? IndicesArray => _indices;

    /// <summary>The item at logical position <paramref name="index"/> (<c>default</c> when sparse and not explicit).</summary>
    public T GetItemOrDefault(int index)
    {
        if ((uint)index >= (uint)Length)
            throw new ArgumentOutOfRangeException(nameof(index), index, $"Index must be in [0, {Length}).");
        if (IsDense)
            return _values![index];
        int found = Array.BinarySearch(_indices!, 0, _count, index);
        return found >= 0 ? _values![found] : default!;
    }

    public void GetItemOrDefault(int index, ref T destination) => destination = GetItemOrDefault(index);

    /// <summary>All <see cref="Length"/> items in order, with <c>default</c> where the vector is sparse.</summary>
    public IEnumerable<T> DenseValues()
    {
        T[]? values = _values;
        int[]? indices = _indices;
        int count = _count, length = Length;
        if (count == length)
        {
            for (int i = 0; i < length; i++)
                yield return values![i];
            yield break;
        }
        int next = 0;
        for (int i = 0; i < length; i++)
            yield return next < count && indices![next] == i ? values![next++] : default!;
    }

    /// <summary>(index, value) pairs: the explicit ones only, or every position when <paramref name="all"/> is true.</summary>
    public IEnumerable<KeyValuePair<int, T>> Items(bool all = false)
    {
        if (all)
        {
            int i = 0;
            foreach (T value in DenseValues())
                yield return new KeyValuePair<int, T>(i++, value);
            yield break;
        }
        T[]? values = _values;
        int[]? indices = _indices;
        bool dense = IsDense;
        for (int i = 0; i < _count; i++)
            yield return new KeyValuePair<int, T>(dense ? i : indices![i], values![i]);
    }

    /// <summary>Writes all <see cref="Length"/> items into <paramref name="destination"/> (zero-filling sparse gaps).</summary>
    public void CopyTo(Span<T> destination) => CopyTo(destination, 0);

    /// <summary>Writes all items into <paramref name="destination"/> starting at <paramref name="destinationIndex"/>, using <paramref name="defaultValue"/> for sparse gaps.</summary>
    public void CopyTo(Span<T> destination, int destinationIndex, T defaultValue = default!)
    {
        if (destinationIndex < 0 || destination.Length - destinationIndex < Length)
            throw new ArgumentException($"Destination needs {Length} items from index {destinationIndex}, has {destination.Length}.", nameof(destination));
        Span<T> target = destination.Slice(destinationIndex, Length);
        if (IsDense)
        {
            GetValues().CopyTo(target);
            return;
        }
        target.Fill(defaultValue);
        ReadOnlySpan<T> values = GetValues();
        ReadOnlySpan<int> indices = GetIndices();
        for (int i = 0; i < values.Length; i++)
            target[indices[i]] = values[i];
    }

    /// <summary>Copies this vector into <paramref name="destination"/> (reusing its arrays when large enough), keeping the sparsity.</summary>
    public void CopyTo(ref VBuffer<T> destination)
    {
        var editor = VBufferEditor.Create(ref destination, Length, _count);
        GetValues().CopyTo(editor.Values);
        if (!IsDense)
            GetIndices().CopyTo(editor.Indices);
        destination = editor.Commit();
    }

    /// <summary>Copies this vector into <paramref name="destination"/> as a dense vector.</summary>
    public void CopyToDense(ref VBuffer<T> destination)
    {
        var editor = VBufferEditor.Create(ref destination, Length);
        CopyTo(editor.Values);
        destination = editor.Commit();
    }
}
