using Microsoft.ML.Attribution.Tensors;
using static TorchSharp.torch;

namespace Microsoft.ML.Attribution.Methods;

/// <summary>Which class each row is explained for: the top prediction, one class for all rows, or one class per row.</summary>
public sealed class Target
{
    private readonly long[]? _classes;
    private readonly bool _perRow;

    private Target(long[]? classes, bool perRow)
    {
        _classes = classes;
        _perRow = perRow;
    }

    /// <summary>Each row's highest-scoring class.</summary>
    public static Target TopPrediction { get; } = new(null, false);

    /// <summary>The same class for every row.</summary>
    public static Target Class(long index) => new([index], false);

    /// <summary>One class per row.</summary>
    public static Target PerRow(IReadOnlyList<long> classes) => new(classes.ToArray(), true);

    public static implicit operator Target(int index) => Class(index);

    public static implicit operator Target(long[] perRow) => PerRow(perRow);

    /// <summary>"top1", a class index, or comma-separated indices (one per row).</summary>
    public static Target Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Trim().Equals("top1", StringComparison.OrdinalIgnoreCase)) return TopPrediction;
        long[] values = text.Split(',', StringSplitOptions.TrimEntries).Select(v =>
            long.TryParse(v, out long c) ? c : throw new FormatException($"Target '{text}' is not 'top1' or class indices.")).ToArray();
        return values.Length == 1 ? Class(values[0]) : PerRow(values);
    }

    /// <summary>The class per row for these scores [N, K], checked against K.</summary>
    public long[] Resolve(Tensor logits)
    {
        long rows = logits.shape[0], classes = logits.shape[1];
        long[] result;
        if (_classes is null)
        {
            using Tensor flat = logits.Dimensions == 2 ? logits.alias() : logits.flatten(2).amax(2);
            using Tensor top = flat.argmax(1);
            result = top.ToArray<long>();
        }
        else if (_perRow)
        {
            if (_classes.Length != rows)
                throw new ArgumentException($"{_classes.Length} per-row targets were given for a batch of {rows}.");
            result = _classes;
        }
        else result = Enumerable.Repeat(_classes[0], (int)rows).ToArray();
        foreach (long c in result)
            if (c < 0 || c >= classes)
                throw new ArgumentOutOfRangeException(nameof(logits), c, $"Target class {c} is out of range: the model has {classes} classes (0–{classes - 1}).");
        return result;
    }

    public override string ToString() => _classes is null ? "top1" : string.Join(",", _classes);
}
