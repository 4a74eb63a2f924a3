using System.Collections;
using Microsoft.ML.Attribution.Data;

namespace Microsoft.ML.Attribution.Tests.Data;

/// <summary>A row class that uses every supported member kind and attribute.</summary>
public sealed class SampleRow
{
    public float Score;

    public double Weight { get; set; }

    public int Count { get; set; }

    public long Big { get; set; }

    public bool Flag { get; set; }

    public byte Tiny { get; set; }

    public string Label { get; set; } = "";

    [VectorType(2, 3)]
    public float[] Pixels { get; set; } = new float[6];

    public string[] Tags { get; set; } = [];

    public int[] Ragged { get; set; } = [];

    [ColumnName("renamed")]
    public int Original { get; set; }

    [NoColumn]
    public int Ignored { get; set; }

    public static SampleRow Make(int i) => new()
    {
        Score = i + 0.5f,
        Weight = i * 2.25,
        Count = i,
        Big = 10_000_000_000L + i,
        Flag = i % 2 == 0,
        Tiny = (byte)(200 + i),
        Label = "row" + i,
        Pixels = Enumerable.Range(0, 6).Select(j => i * 10f + j).ToArray(),
        Tags = Enumerable.Range(0, i % 3).Select(j => $"t{i}.{j}").ToArray(),
        Ragged = Enumerable.Range(0, i).ToArray(),
        Original = -i,
        Ignored = 42,
    };
}

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

/// <summary>Stands in for the image class that the image transforms will define.</summary>
public sealed class FakeImage
{
    public int Id { get; init; }
}

/// <summary>How a feature plugs its own column type into LoadFromEnumerable.</summary>
public sealed class FakeImageTypeAttribute(int height, int width) : DataViewTypeAttribute
{
    public override DataViewType GetDataViewType(Type memberType) => new ImageDataViewType(memberType, height, width);
}

public sealed class ImageRow
{
    [FakeImageType(4, 5)]
    public FakeImage? Image { get; set; }
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
