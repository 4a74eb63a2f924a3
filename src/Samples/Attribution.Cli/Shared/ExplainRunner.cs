using Microsoft.ML.Attribution.Tensors;
using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.Attribution.Graph;
using Microsoft.ML.Attribution.Transforms;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms.Image;

namespace Attribution.Cli.Shared;

/// <summary>
/// Runs one method over inputs through an ML.NET pipeline: image files go LoadImages → ResizeImages → ExtractPixels (ML.NET's) → Explain
/// (ours, normalizing with the run's mean and std); .npy rows go straight to Explain. Maps are kept unreduced (the CLI reduces them for overlays and writes them raw to .npy). Rows are streamed.
/// </summary>
internal sealed class ExplainRunner(Network network, Preprocessing preprocessing, int batchSize)
{
    private readonly MLContext _context = new(seed: 0);

    /// <param name="targets">The class per item, or null for each item's top prediction.</param>
    /// <param name="onRows">Told how many more rows were attributed, after each batch (for progress bars).</param>
    public IEnumerable<ExplainedRow> Run(IReadOnlyList<InputItem> items, string method, IReadOnlyDictionary<string, string> methodOptions,
        IReadOnlyList<int>? targets, Action<int>? onRows = null, bool withPixels = false, CancellationToken cancellationToken = default)
    {
        int[] imageIndices = Enumerable.Range(0, items.Count).Where(i => items[i].IsImage).ToArray();
        int[] tensorIndices = Enumerable.Range(0, items.Count).Where(i => !items[i].IsImage).ToArray();
        if (imageIndices.Length > 0)
        {
            IDataView rows = _context.Data.LoadFromEnumerable(imageIndices.Select(i => new ImageInputRow { Path = items[i].ImagePath!, Target = targets?[i] ?? 0 }).ToArray());
            foreach (ExplainedRow row in Explain(Preprocess(rows), true, imageIndices, method, methodOptions, targets is not null, onRows, withPixels, cancellationToken))
                yield return row;
        }
        if (tensorIndices.Length > 0)
        {
            IDataView rows = _context.Data.LoadFromEnumerable(tensorIndices.Select(i => new TensorInputRow { Pixels = items[i].Pixels!, Target = targets?[i] ?? 0 }).ToArray());
            foreach (ExplainedRow row in Explain(rows, false, tensorIndices, method, methodOptions, targets is not null, onRows, withPixels, cancellationToken))
                yield return row;
        }
    }

    /// <summary>
    /// The model inputs [N, C, H, W] of items as the pipeline prepares them (image files) or as given (.npy rows); throws naming
    /// every input that cannot be read, since a batch needs all of its rows.
    /// </summary>
    public float[] Pixels(IReadOnlyList<InputItem> items, out long[] shape)
    {
        var byIndex = new Dictionary<int, float[]>();
        var failures = new List<string>();
        int[] imageIndices = Enumerable.Range(0, items.Count).Where(i => items[i].IsImage).ToArray();
        if (imageIndices.Length > 0)
        {
            IDataView rows = Preprocess(_context.Data.LoadFromEnumerable(imageIndices.Select(i => new ImageInputRow { Path = items[i].ImagePath! }).ToArray()));
            // A set of one is a serial cursor: a bad file throws from its own getter instead of ending a consolidating cursor's MoveNext.
            using DataViewRowCursor cursor = rows.GetRowCursorSet([rows.Schema["Pixels"]], 1)[0];
            ValueGetter<VBuffer<float>> pixels = cursor.GetGetter<VBuffer<float>>(rows.Schema["Pixels"]);
            VBuffer<float> values = default;
            while (cursor.MoveNext())
            {
                int index = imageIndices[cursor.Position];
                try
                {
                    pixels(ref values);
                }
                catch (Exception e) when (e is IOException or ArgumentException or InvalidOperationException)
                {
                    // ML.NET's LoadImages throws from the getter for a missing or undecodable file.
                    failures.Add($"{items[index].Source}: {ErrorText.Of(e)}");
                    continue;
                }
                byIndex[index] = Normalize(values.DenseValues().ToArray());
            }
        }
        if (failures.Count > 0)
            throw new InvalidDataException("Cannot read " + string.Join("; ", failures));
        foreach (int i in Enumerable.Range(0, items.Count).Where(i => !items[i].IsImage))
            byIndex[i] = items[i].Pixels!;
        int[] lengths = byIndex.Values.Select(v => v.Length).Distinct().ToArray();
        if (lengths.Length != 1)
            throw new ArgumentException($"The inputs differ in size ({string.Join(", ", lengths)} values); a .npy tensor must match --size and the images' channels.");
        InputItem? stored = items.FirstOrDefault(i => !i.IsImage);
        shape = stored is null ? [items.Count, 3, preprocessing.Size, preprocessing.Size] : [items.Count, stored.Channels, stored.Height, stored.Width];
        return Enumerable.Range(0, items.Count).SelectMany(i => byIndex[i]).ToArray();
    }

    /// <summary>LoadImages → ResizeImages (stretched to the model's size) → ExtractPixels in [0, 1]: ML.NET's own transforms.</summary>
    private IDataView Preprocess(IDataView rows) =>
        _context.Transforms.LoadImages("Image", null, "Path")
            .Append(_context.Transforms.ResizeImages("Resized", preprocessing.Size, preprocessing.Size, "Image", ImageResizingEstimator.ResizingKind.Fill))
            .Append(_context.Transforms.ExtractPixels("Pixels", "Resized", scaleImage: 1 / 255f))
            .Fit(rows).Transform(rows);

    /// <summary>The per-channel normalization Explain applies (ML.NET's ExtractPixels has none), for inputs read outside the pipeline.</summary>
    private float[] Normalize(float[] planar)
    {
        int plane = preprocessing.Size * preprocessing.Size;
        for (int i = 0; i < planar.Length; i++)
        {
            int c = i / plane;
            float mean = preprocessing.Mean?[c] ?? 0, std = preprocessing.Std?[c] ?? 1;
            planar[i] = (planar[i] - mean) / std;
        }
        return planar;
    }

    private IEnumerable<ExplainedRow> Explain(IDataView inputs, bool hasImages, int[] indices, string method, IReadOnlyDictionary<string, string> methodOptions,
        bool hasTargets, Action<int>? onRows, bool withPixels, CancellationToken cancellationToken)
    {
        // Time each batch when it is reported (on this thread, right after the batch is computed).
        var clock = Stopwatch.StartNew();
        double lastTime = 0, batchSeconds = 0;
        long lastRows = 0;
        var progress = new SyncProgress<long>(rows =>
        {
            double now = clock.Elapsed.TotalSeconds;
            batchSeconds = (now - lastTime) / Math.Max(1, rows - lastRows);
            onRows?.Invoke((int)(rows - lastRows));
            (lastTime, lastRows) = (now, rows);
        });
        using ExplainTransformer explain = _context.Transforms.Explain(new ExplainOptions
        {
            OutputColumnName = "Map",
            InputColumnName = "Pixels",
            Mean = hasImages ? preprocessing.Mean : null,
            Std = hasImages ? preprocessing.Std : null,
            Network = network,
            Device = network.Device.ToString(),
            Method = method,
            MethodOptions = methodOptions.ToDictionary(kv => kv.Key, kv => kv.Value),
            TargetColumnName = hasTargets ? "Target" : null,
            KeepChannels = true,
            BatchSize = batchSize,
            Progress = progress,
            CancellationToken = cancellationToken,
        }).Fit(inputs);
        IDataView output = explain.Transform(inputs);
        DataViewSchema schema = output.Schema;
        var dims = ((VectorDataViewType)schema["Map"].Type).Dimensions;
        int height = dims[1], width = dims[2];
        var active = new List<DataViewSchema.Column> { schema["Map"], schema["MapTarget"], schema["MapLogit"], schema["MapError"] };
        if (withPixels)
            active.Add(schema["Pixels"]);

        clock.Restart();
        using DataViewRowCursor cursor = output.GetRowCursor(active);
        ValueGetter<VBuffer<float>> mapGetter = cursor.GetGetter<VBuffer<float>>(schema["Map"]);
        ValueGetter<int> targetGetter = cursor.GetGetter<int>(schema["MapTarget"]);
        ValueGetter<float> logitGetter = cursor.GetGetter<float>(schema["MapLogit"]);
        ValueGetter<ReadOnlyMemory<char>> errorGetter = cursor.GetGetter<ReadOnlyMemory<char>>(schema["MapError"]);
        ValueGetter<VBuffer<float>>? pixelGetter = withPixels ? cursor.GetGetter<VBuffer<float>>(schema["Pixels"]) : null;
        VBuffer<float> map = default, pixels = default;
        int target = 0;
        float logit = 0;
        ReadOnlyMemory<char> error = default;
        while (cursor.MoveNext())
        {
            mapGetter(ref map);
            targetGetter(ref target);
            logitGetter(ref logit);
            errorGetter(ref error);
            string message = error.ToString();
            float[]? pixelValues = null;
            if (pixelGetter is not null && message.Length == 0)
            {
                pixelGetter(ref pixels);
                pixelValues = pixels.DenseValues().ToArray();
                if (hasImages)
                    Normalize(pixelValues);
            }
            float[] values = map.DenseValues().ToArray();
            int channels = values.Length / (height * width);
            yield return new ExplainedRow(indices[cursor.Position], values, channels, height, width, target, logit, batchSeconds, message, pixelValues);
        }
    }

    /// <summary>An image file and the class to explain (0 when explaining the top prediction).</summary>
    public sealed class ImageInputRow
    {
        public string Path { get; set; } = "";

        public int Target { get; set; }
    }

    /// <summary>A model input used as-is and the class to explain.</summary>
    public sealed class TensorInputRow
    {
        public float[] Pixels { get; set; } = [];

        public int Target { get; set; }
    }
}
