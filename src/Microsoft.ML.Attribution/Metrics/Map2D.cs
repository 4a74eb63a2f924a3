using TorchSharp;
using Microsoft.ML.Attribution.Tensors;
using static TorchSharp.torch;

namespace Microsoft.ML.Attribution.Metrics;

/// <summary>A single-channel map as row-major doubles: the common form every metric works on (maps are small).</summary>
internal readonly struct Map2D
{
    public Map2D(double[] values, int height, int width)
    {
        Values = values;
        Height = height;
        Width = width;
    }

    public double[] Values { get; }
    public int Height { get; }
    public int Width { get; }
    public double this[int row, int column] => Values[row * Width + column];

    public static Map2D From(float[,] map, string parameter)
    {
        ArgumentNullException.ThrowIfNull(map, parameter);
        int height = map.GetLength(0), width = map.GetLength(1);
        if (height == 0 || width == 0) throw new ArgumentException($"The map is empty ({height}×{width}).", parameter);
        var values = new double[height * width];
        int i = 0;
        foreach (float v in map) values[i++] = v; // row-major, as C# enumerates rectangular arrays
        return new Map2D(values, height, width);
    }

    /// <summary>Reads a [H, W] tensor of any real dtype, from any device.</summary>
    public static Map2D From(Tensor map, string parameter)
    {
        ArgumentNullException.ThrowIfNull(map, parameter);
        if (map.dim() != 2)
            throw new ArgumentException($"Expected a single-channel map [H, W], got shape [{string.Join(", ", map.shape)}]; " +
                "reduce the channels and select the batch row first.", parameter);
        if (map.numel() == 0) throw new ArgumentException("The map is empty.", parameter);
        using DisposeScope scope = NewDisposeScope();
        double[] values = map.to(float64).ToArray<double>();
        return new Map2D(values, (int)map.shape[0], (int)map.shape[1]);
    }

    public void RequireFinite(string parameter)
    {
        foreach (double v in Values)
            if (!double.IsFinite(v)) throw new ArgumentException($"The map contains {v}; metrics need finite values.", parameter);
    }

    public Map2D Select(Func<double, double> f) => new(Values.Select(f).ToArray(), Height, Width);

    public static void RequireSameShape(Map2D a, Map2D b)
    {
        if (a.Height != b.Height || a.Width != b.Width)
            throw new ArgumentException($"The maps differ in size: {a.Height}×{a.Width} vs {b.Height}×{b.Width}.");
    }
}
