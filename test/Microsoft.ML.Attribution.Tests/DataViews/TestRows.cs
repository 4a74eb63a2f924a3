using System.Collections;

namespace Microsoft.ML.Attribution.Tests.DataViews;

/// <summary>A scalar float column and its doubled copy, for the transformer tests.</summary>
public sealed class XRow
{
    public float X { get; set; }
}

public sealed class XYRow
{
    public float X { get; set; }

    public float Y { get; set; }
}

/// <summary>Counts how often it is enumerated and how many items it has produced.</summary>
public sealed class CountingEnumerable<T>(IReadOnlyList<T> items) : IEnumerable<T>
{
    public int Enumerations { get; private set; }

    public int ItemsYielded { get; private set; }

    public IEnumerator<T> GetEnumerator()
    {
        Enumerations++;
        foreach (T item in items)
        {
            ItemsYielded++;
            yield return item;
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

/// <summary>Records progress reports synchronously (<see cref="Progress{T}"/> would post them to the thread pool).</summary>
public sealed class RecordingProgress(Action<long>? onReport = null) : IProgress<long>
{
    public List<long> Reports { get; } = new();

    public void Report(long value)
    {
        Reports.Add(value);
        onReport?.Invoke(value);
    }
}
