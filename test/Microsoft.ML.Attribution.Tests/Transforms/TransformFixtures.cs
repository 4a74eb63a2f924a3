using Microsoft.ML.Attribution.DataViews;
using Microsoft.ML.Data;
using Microsoft.ML.Attribution.Imaging;
using Microsoft.ML.Attribution.Maps;
using TorchSharp;
using Microsoft.ML.Attribution.Tensors;
using static TorchSharp.torch;

namespace Microsoft.ML.Attribution.Tests.Transforms;

/// <summary>The committed small shapes CNN (64×64, 4 classes) with its stored inputs, and synthetic shape images drawn for pipeline tests.</summary>
internal static class TransformFixtures
{
    public const int Size = 64;

    public static readonly string[] Classes = ["circle", "square", "triangle", "cross"];

    public static string ModelPath => Path.Combine(AppContext.BaseDirectory, "fixtures", "peer-small", "small.onnx");

    /// <summary>The 8 stored inputs [3,64,64] (already preprocessed), their targets and logits [8,4].</summary>
    public static (float[][] Inputs, long[] Targets, float[,] Logits) StoredInputs()
    {
        using DisposeScope scope = NewDisposeScope();
        Tensor inputs = Npy.Load(Path.Combine(AppContext.BaseDirectory, "fixtures", "peer-small", "inputs.npy"));
        long[] targets = Npy.Load(Path.Combine(AppContext.BaseDirectory, "fixtures", "peer-small", "targets.npy")).ToArray<long>();
        float[] flatLogits = Npy.Load(Path.Combine(AppContext.BaseDirectory, "fixtures", "peer-small", "logits.npy")).ToArray<float>();
        var rows = new float[inputs.shape[0]][];
        for (int i = 0; i < rows.Length; i++)
            rows[i] = inputs[i].contiguous().ToArray<float>();
        var logits = new float[rows.Length, 4];
        for (int i = 0; i < rows.Length; i++)
            for (int k = 0; k < 4; k++)
                logits[i, k] = flatLogits[i * 4 + k];
        return (rows, targets, logits);
    }

    /// <summary>
    /// Writes <paramref name="count"/> RGB PNGs of one shape each (class i % 4) on a noisy background, size × size, and returns the paths with
    /// the drawn shape's class and box (0-based inclusive pixels).
    /// </summary>
    public static IReadOnlyList<(string Path, int Class, float[] Box)> DrawShapes(string folder, int count, int size = Size, int seed = 7)
    {
        Directory.CreateDirectory(folder);
        var random = new Random(seed);
        var result = new List<(string, int, float[])>();
        for (int n = 0; n < count; n++)
        {
            int cls = n % 4;
            var pixels = new byte[size * size * 3];
            for (int i = 0; i < pixels.Length; i++)
                pixels[i] = (byte)random.Next(40, 90);
            int radius = size / 8 + random.Next(size / 8);
            int cx = radius + random.Next(size - 2 * radius), cy = radius + random.Next(size - 2 * radius);
            byte r = (byte)random.Next(150, 256), g = (byte)random.Next(150, 256), b = (byte)random.Next(0, 100);
            for (int y = 0; y < size; y++)
            {
                for (int x = 0; x < size; x++)
                {
                    int dx = x - cx, dy = y - cy;
                    bool inside = cls switch
                    {
                        0 => dx * dx + dy * dy <= radius * radius,
                        1 => Math.Abs(dx) <= radius && Math.Abs(dy) <= radius,
                        2 => dy >= -radius && dy <= radius && Math.Abs(dx) <= (dy + radius) / 2,
                        _ => (Math.Abs(dx) <= radius / 3 && Math.Abs(dy) <= radius) || (Math.Abs(dy) <= radius / 3 && Math.Abs(dx) <= radius),
                    };
                    if (!inside)
                        continue;
                    // Textured, not flat: in flat regions equal activations tie in max-pooling, and which of them wins depends on the
                    // last bit of the convolution, which batched and single-row convolutions round differently.
                    int at = (y * size + x) * 3;
                    int noise = random.Next(-20, 21);
                    (pixels[at], pixels[at + 1], pixels[at + 2]) = ((byte)Math.Clamp(r + noise, 0, 255), (byte)Math.Clamp(g + noise, 0, 255), (byte)Math.Clamp(b + noise, 0, 255));
                }
            }
            string path = Path.Combine(folder, $"shape_{n:D3}.png");
            using (Tensor image = tensor(pixels, [size, size, 3]))
                ImageIO.Save(path, image);
            result.Add((path, cls, [cx - radius, cy - radius, cx + radius, cy + radius]));
        }
        return result;
    }

    /// <summary>A fresh, empty temporary folder for one test.</summary>
    public static string TempFolder(string name)
    {
        string folder = Path.Combine(Path.GetTempPath(), "mla-transforms", name + "-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(folder);
        return folder;
    }

    /// <summary>Every row's value of a column, read with one cursor.</summary>
    public static List<T> Column<T>(IDataView data, string name)
    {
        DataViewSchema.Column column = data.Schema[name];
        var values = new List<T>();
        using DataViewRowCursor cursor = data.GetRowCursor([column]);
        ValueGetter<T> getter = cursor.GetGetter<T>(column);
        while (cursor.MoveNext())
        {
            T value = default!;
            getter(ref value);
            values.Add(value);
        }
        return values;
    }

    public static List<float[]> Vectors(IDataView data, string name) =>
        Column<VBuffer<float>>(data, name).Select(v => v.DenseValues().ToArray()).ToList();

    public static List<string> Texts(IDataView data, string name) =>
        Column<ReadOnlyMemory<char>>(data, name).Select(v => v.ToString()).ToList();

    public static double MaxAbsDiff(IReadOnlyList<float[]> a, IReadOnlyList<float[]> b)
    {
        Assert.HasCount(a.Count, b);
        double max = 0;
        for (int i = 0; i < a.Count; i++)
        {
            Assert.HasCount(a[i].Length, b[i], $"row {i} lengths differ");
            for (int j = 0; j < a[i].Length; j++)
                max = Math.Max(max, Math.Abs(a[i][j] - b[i][j]));
        }
        return max;
    }
}

/// <summary>A row with a path (and a class and a box) for the image pipeline.</summary>
public sealed class PathRow
{
    public string Path { get; set; } = "";

    public int Label { get; set; }

    public float[] Boxes { get; set; } = [];
}

/// <summary>A row holding a model input [3,64,64] and a class.</summary>
public sealed class PixelRow
{
    [VectorType(3, TransformFixtures.Size, TransformFixtures.Size)]
    public float[] Pixels { get; set; } = [];

    public int Label { get; set; }
}

/// <summary>A row holding an input of unknown size, for per-row size checks.</summary>
public sealed class LooseRow
{
    public float[] Pixels { get; set; } = [];

    public int Label { get; set; }
}
