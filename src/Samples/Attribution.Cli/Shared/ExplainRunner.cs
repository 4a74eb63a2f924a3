using System.Diagnostics;
using Microsoft.ML.Attribution.Data;
using Microsoft.ML.Attribution.Graph;
using Microsoft.ML.Attribution.Transforms;

namespace Attribution.Cli.Shared;

/// <summary>
/// Runs one method over inputs through the library's pipeline: image files go LoadImages → ResizeImages → ExtractPixels → Explain; .npy rows
/// go straight to Explain. Maps are kept unreduced (the CLI reduces them for overlays and writes them raw to .npy). Rows are streamed.
/// </summary>
internal sealed class ExplainRunner(Network network, Preprocessing preprocessing, int batchSize)
{
    private readonly AttributionContext _context = new(seed: 0);

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
            foreach (ExplainedRow row in Explain(Preprocess(rows), imageIndices, method, methodOptions, targets is not null, onRows, withPixels, cancellationToken))
                yield return row;
        }
        if (tensorIndices.Length > 0)
        {
            IDataView rows = _context.Data.LoadFromEnumerable(tensorIndices.Select(i => new TensorInputRow { Pixels = items[i].Pixels!, Target = targets?[i] ?? 0 }).ToArray());
            foreach (ExplainedRow row in Explain(rows, tensorIndices, method, methodOptions, targets is not null, onRows, withPixels, cancellationToken))
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
            using DataViewRowCursor cursor = rows.GetRowCursor(rows.Schema);
            ValueGetter<VBuffer<float>> pixels = cursor.GetGetter<VBuffer<float>>(rows.Schema["Pixels"]);
            // Each step appends its own error column; the first non-empty one names the cause.
            var errors = rows.Schema.Where(c => c.Name.EndsWith("Error", StringComparison.Ordinal))
                .Select(c => cursor.GetGetter<ReadOnlyMemory<char>>(c)).ToArray();
            VBuffer<float> values = default;
            ReadOnlyMemory<char> message = default;
            while (cursor.MoveNext())
            {
                int index = imageIndices[cursor.Position];
                string? failure = null;
                foreach (var error in errors)
                {
                    error(ref message);
                    if (message.Length > 0) { failure = message.ToString(); break; }
                }
                if (failure is not null)
                {
                    failures.Add($"{items[index].Source}: {failure}");
                    continue;
                }
                pixels(ref values);
                byIndex[index] = values.DenseValues().ToArray();
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

    /// <summary>LoadImages → ResizeImages → ExtractPixels, with the run's preprocessing.</summary>
    private IDataView Preprocess(IDataView rows) =>
        _context.Transforms.LoadImages("Image", null, "Path")
            .Append(_context.Transforms.ResizeImages("Resized", preprocessing.Size, preprocessing.Size, "Image", ResizingKind.Fill))
            .Append(_context.Transforms.ExtractPixels("Pixels", "Resized", scaleImage: 1 / 255f, mean: preprocessing.Mean, std: preprocessing.Std))
            .Fit(rows).Transform(rows);

    private IEnumerable<ExplainedRow> Explain(IDataView inputs, int[] indices, string method, IReadOnlyDictionary<string, string> methodOptions, bool hasTargets,
        Action<int>? onRows, bool withPixels, CancellationToken cancellationToken)
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
            Network = network,
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
        DataViewSchema.Column? imageError = schema.GetColumnOrNull("ImageError");
        var active = new List<DataViewSchema.Column> { schema["Map"], schema["MapTarget"], schema["MapLogit"], schema["MapError"] };
        if (imageError is not null)
            active.Add(imageError.Value);
        if (withPixels)
            active.Add(schema["Pixels"]);

        clock.Restart();
        using DataViewRowCursor cursor = output.GetRowCursor(active);
        ValueGetter<VBuffer<float>> mapGetter = cursor.GetGetter<VBuffer<float>>(schema["Map"]);
        ValueGetter<int> targetGetter = cursor.GetGetter<int>(schema["MapTarget"]);
        ValueGetter<float> logitGetter = cursor.GetGetter<float>(schema["MapLogit"]);
        ValueGetter<ReadOnlyMemory<char>> errorGetter = cursor.GetGetter<ReadOnlyMemory<char>>(schema["MapError"]);
        ValueGetter<ReadOnlyMemory<char>>? imageErrorGetter = imageError is null ? null : cursor.GetGetter<ReadOnlyMemory<char>>(imageError.Value);
        ValueGetter<VBuffer<float>>? pixelGetter = withPixels ? cursor.GetGetter<VBuffer<float>>(schema["Pixels"]) : null;
        VBuffer<float> map = default, pixels = default;
        int target = 0;
        float logit = 0;
        ReadOnlyMemory<char> error = default, loadError = default;
        while (cursor.MoveNext())
        {
            mapGetter(ref map);
            targetGetter(ref target);
            logitGetter(ref logit);
            errorGetter(ref error);
            string message = error.ToString();
            if (imageErrorGetter is not null)
            {
                imageErrorGetter(ref loadError);
                // A row with no image fails in Explain as "missing input"; the loader knows the actual cause.
                if (loadError.Length > 0)
                    message = loadError.ToString();
            }
            float[]? pixelValues = null;
            if (pixelGetter is not null)
            {
                pixelGetter(ref pixels);
                pixelValues = pixels.DenseValues().ToArray();
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
