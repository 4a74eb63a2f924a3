using Microsoft.ML.Attribution.Graph;
using TorchSharp;
using Microsoft.ML.Attribution.Tensors;
using static TorchSharp.torch;

namespace Microsoft.ML.Attribution.Methods;

/// <summary>
/// Occlusion (Zeiler &amp; Fergus 2014) placed and averaged as Captum's Occlusion: a window slides from the top-left
/// corner in strides until each dimension is covered (the last window may be cut off by the border); each pixel gets
/// the mean drop of the target score over the windows covering it. All occluded copies run in sub-batches under the
/// memory budget. The map is [N, 1, H, W] (windows span every channel).
/// </summary>
public sealed class Occlusion : AttributionMethod
{
    public Occlusion(Network network, OcclusionOptions? options = null) : base(network)
    {
        Options = options ?? new OcclusionOptions();
        RequirePositive(Options.WindowHeight, nameof(OcclusionOptions.WindowHeight));
        RequirePositive(Options.WindowWidth, nameof(OcclusionOptions.WindowWidth));
        RequirePositive(Options.StrideHeight, nameof(OcclusionOptions.StrideHeight));
        RequirePositive(Options.StrideWidth, nameof(OcclusionOptions.StrideWidth));
        if (!double.IsFinite(Options.Baseline) || Options.ChannelBaseline?.Any(v => !double.IsFinite(v)) == true)
            throw new ArgumentException("The occlusion baseline must be finite.", nameof(options));
        long channels = network.Inputs[0].Shape.FirstOrDefault(-1);
        if (Options.ChannelBaseline is { } perChannel && channels > 0 && perChannel.Length != channels)
            throw new ArgumentException($"ChannelBaseline has {perChannel.Length} values but the input has {channels} channels.", nameof(options));
    }

    public OcclusionOptions Options { get; }

    protected override bool ExplainsOpaqueModules => true;

    public override string Name => "occlusion";

    protected override AttributionMap Compute(Tensor input, Target target, CancellationToken cancellation)
    {
        if (input.Dimensions != 4) throw new ArgumentException($"Occlusion needs images [N,C,H,W], got {input.Describe()}.", nameof(input));
        long rows = input.shape[0], channels = input.shape[1], height = input.shape[2], width = input.shape[3];
        long[] tops = Starts(height, Options.WindowHeight, Options.StrideHeight, "height");
        long[] lefts = Starts(width, Options.WindowWidth, Options.StrideWidth, "width");
        long windows = tops.Length * lefts.Length;
        double[] fill = Options.ChannelBaseline ?? Enumerable.Repeat(Options.Baseline, (int)channels).ToArray();
        if (fill.Length != channels)
            throw new ArgumentException($"ChannelBaseline has {fill.Length} values but the input has {channels} channels.", nameof(input));
        using Tensor baseline = tensor(fill, [1, channels, 1, 1], input.dtype);

        using Tensor logits = Network.ForwardLogits(input);
        var (targets, scores) = ResolveTargets(logits, target);
        using Tensor targetIndex = tensor(targets);
        double[] reference;
        using (Tensor unoccluded = PerturbationScores.FromLogits(logits, targetIndex, Options.Score))
        using (Tensor wide = unoccluded.to(ScalarType.Float64))
            reference = wide.ToArray<double>();

        // One occluded copy per (row, window) pair, evaluated in sub-batches; drop = score(x) − score(occluded).
        long total = rows * windows, batch = SubBatchRows(Options.MemoryBudgetMb, input.dtype);
        var drops = new double[total];
        // Incremental: windows are batched per image (each image has its own unperturbed values to patch).
        bool incremental = Options.Incremental && Network.Inputs.Count == 1;
        PatchedForward? patched = null; // the current image's, when incremental
        using Tensor rowIndices = HeldScalars.Range(height);
        using Tensor rowRange = rowIndices.reshape(1, height);
        using Tensor columnIndices = HeldScalars.Range(width);
        using Tensor colRange = columnIndices.reshape(1, width);
        try
        {
            for (long start = 0, count; start < total; start += count)
            {
                cancellation.ThrowIfCancellationRequested();
                using DisposeScope scope = NewDisposeScope();
                count = Math.Min(batch, total - start);
                if (incremental)
                {
                    count = Math.Min(count, windows - start % windows); // one image per sub-batch
                    if (start % windows == 0)
                    {
                        patched?.Dispose();
                        using Tensor image = input.narrow(0, start / windows, 1);
                        patched = new PatchedForward(Network, image);
                    }
                }
                long[] row = new long[count], top = new long[count], left = new long[count];
                for (long k = 0; k < count; k++)
                {
                    long pair = start + k, window = pair % windows;
                    row[k] = pair / windows;
                    top[k] = tops[window / lefts.Length];
                    left[k] = lefts[window % lefts.Length];
                }
                Tensor mask = WindowMasks(rowRange, colRange, top, left, input.dtype);
                Tensor rowIndex = tensor(row);
                Tensor images = input.index_select(0, rowIndex);
                Tensor occluded = images.mul(mask.SubtractedFrom(1.0)).Plus(baseline * mask);
                Tensor rowTargets = targetIndex.index_select(0, rowIndex);
                Tensor occludedScores = patched is null
                    ? PerturbationScores.Of(Network, occluded, rowTargets, Options.Score)
                    : PatchedScores(patched, occluded, top, left, rowTargets);
                double[] values = occludedScores.to(ScalarType.Float64).ToArray<double>();
                for (long k = 0; k < count; k++) drops[start + k] = reference[row[k]] - values[k];
                Progress?.Report((double)(start + count) / total);
            }
        }
        finally
        {
            patched?.Dispose();
        }

        double[] map = Average(drops, rows, tops, lefts, height, width);
        using Tensor wideMap = tensor(map, [rows, 1, height, width]);
        return new AttributionMap(Name, wideMap.to(input.dtype), targets, scores);
    }

    /// <summary>
    /// Scores of occluded copies of one image through its patched forward: each copy differs from the image inside its
    /// window, clipped to the image (patches share one size, so a window cut off by the border is moved inside and
    /// filled with the image's own pixels there).
    /// </summary>
    private Tensor PatchedScores(PatchedForward patched, Tensor occluded, long[] top, long[] left, Tensor targets)
    {
        long height = occluded.shape[2], width = occluded.shape[3];
        long boxHeight = Math.Min(Options.WindowHeight, height), boxWidth = Math.Min(Options.WindowWidth, width);
        long[] boxTops = top.Select(t => Math.Min(t, height - boxHeight)).ToArray();
        long[] boxLefts = left.Select(l => Math.Min(l, width - boxWidth)).ToArray();
        var patches = new Tensor[top.Length];
        for (int k = 0; k < top.Length; k++)
            patches[k] = occluded.narrow(0, k, 1).narrow(2, boxTops[k], boxHeight).narrow(3, boxLefts[k], boxWidth);
        using Tensor stacked = cat(patches, 0);
        using Tensor logits = patched.Logits(stacked, boxTops, boxLefts);
        return PerturbationScores.FromLogits(logits, targets, Options.Score);
    }

    private static string Capitalized(string dimension) => char.ToUpperInvariant(dimension[0]) + dimension[1..];

    /// <summary>Window tops along one dimension: 0, stride, … until the last window reaches the border (Captum's count).</summary>
    private long[] Starts(long size, int window, int stride, string dimension)
    {
        if (window > size)
            throw new ArgumentException($"Window{Capitalized(dimension)} ({window}) is larger than the image {dimension} ({size}).", nameof(Options));
        if (window < size && stride > window)
            throw new ArgumentException($"Stride{Capitalized(dimension)} ({stride}) exceeds Window{Capitalized(dimension)} ({window}), which would leave pixels never occluded.", nameof(Options));
        long count = (size - window + stride - 1) / stride + 1;
        return Enumerable.Range(0, (int)count).Select(i => i * (long)stride).ToArray();
    }

    private Tensor WindowMasks(Tensor rowRange, Tensor colRange, long[] top, long[] left, ScalarType dtype)
    {
        long count = top.Length;
        Tensor topT = tensor(top).reshape(count, 1), leftT = tensor(left).reshape(count, 1);
        Tensor inRows = rowRange.ge(topT).logical_and(rowRange.lt(topT.Plus((long)Options.WindowHeight)));
        Tensor inCols = colRange.ge(leftT).logical_and(colRange.lt(leftT.Plus((long)Options.WindowWidth)));
        return inRows.unsqueeze(2).logical_and(inCols.unsqueeze(1)).unsqueeze(1).to(dtype);
    }

    /// <summary>Per pixel, the mean drop over the windows covering it (windows are clipped to the image).</summary>
    private double[] Average(double[] drops, long rows, long[] tops, long[] lefts, long height, long width)
    {
        var sum = new double[rows * height * width];
        var covered = new int[height * width];
        long windows = tops.Length * lefts.Length;
        for (long w = 0; w < windows; w++)
        {
            long y0 = tops[w / lefts.Length], x0 = lefts[w % lefts.Length];
            long y1 = Math.Min(y0 + Options.WindowHeight, height), x1 = Math.Min(x0 + Options.WindowWidth, width);
            for (long y = y0; y < y1; y++)
                for (long x = x0; x < x1; x++)
                {
                    covered[y * width + x]++;
                    for (long n = 0; n < rows; n++) sum[(n * height + y) * width + x] += drops[n * windows + w];
                }
        }
        for (long n = 0; n < rows; n++)
            for (long p = 0; p < height * width; p++) sum[n * height * width + p] /= covered[p];
        return sum;
    }

    private static void RequirePositive(int value, string name)
    {
        if (value < 1) throw new ArgumentOutOfRangeException(name, value, $"{name} must be at least 1.");
    }
}
