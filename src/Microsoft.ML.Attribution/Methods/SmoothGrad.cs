using Microsoft.ML.Attribution.Graph;
using Microsoft.ML.Attribution.Tensors;
using static TorchSharp.torch;

namespace Microsoft.ML.Attribution.Methods;

/// <summary>
/// SmoothGrad (Smilkov et al. 2017) around any method: the mean (or mean square, or variance) of the maps of noisy
/// copies x + ε, ε ~ N(0, σ²). Targets are resolved on the clean input. Backward methods run all copies batched
/// under the memory budget; other methods are called on sub-batches.
/// </summary>
public sealed class SmoothGrad : AttributionMethod
{
    private readonly IAttributionMethod _inner;
    private readonly bool _ownsInner;

    public SmoothGrad(IAttributionMethod inner, SmoothGradOptions? options = null, bool ownsInner = false) : base(inner.Network)
    {
        _inner = inner;
        _ownsInner = ownsInner;
        Options = options ?? new SmoothGradOptions();
        if (Options.Samples < 1) throw new ArgumentOutOfRangeException(nameof(options), Options.Samples, "Samples must be at least 1: SmoothGrad averages over at least one noisy copy.");
        if (!(Options.NoiseLevel >= 0 && double.IsFinite(Options.NoiseLevel)))
            throw new ArgumentOutOfRangeException(nameof(options), Options.NoiseLevel, "NoiseLevel (σ as a fraction of the input's range) must be a non-negative number.");
        if (Options.Sigma is { } sigma && !(sigma >= 0 && double.IsFinite(sigma)))
            throw new ArgumentOutOfRangeException(nameof(options), sigma, "Sigma (the noise's standard deviation) must be a non-negative number.");
    }

    public SmoothGradOptions Options { get; }

    public IAttributionMethod Inner => _inner;

    protected override bool ExplainsOpaqueModules => true;

    public override string Name => Options.Aggregation switch
    {
        NoiseAggregation.SmoothGradSquared => "smoothgrad-squared",
        NoiseAggregation.VarGrad => "vargrad",
        _ => "smoothgrad",
    } + (_inner.Name == "gradient" ? "" : $"({_inner.Name})");

    protected override AttributionMap Compute(Tensor input, Target target, CancellationToken cancellation)
    {
        int n = Options.Samples;
        long rows = input.shape[0];
        var (targets, scores) = ResolveTargets(Network.ForwardLogits(input), target);
        Tensor noise = Noise(input);
        long total = rows * n;
        long chunk = Math.Max(1, SubBatchRows(Options.MemoryBudgetMb, input.dtype));
        Tensor? sum = null, squares = null; // shaped like the inner maps (CAM maps have one channel)
        for (long start = 0; start < total; start += chunk)
        {
            cancellation.ThrowIfCancellationRequested();
            using var scope = NewDisposeScope();
            long count = Math.Min(chunk, total - start);
            long[] rowOf = Enumerable.Range(0, (int)count).Select(i => (start + i) / n).ToArray();
            Tensor index = tensor(rowOf);
            Tensor noisy = input.index_select(0, index).Plus(noise.narrow(0, start, count));
            long[] noisyTargets = rowOf.Select(r => targets[r]).ToArray();
            Tensor maps = _inner is BackwardMethod backward
                ? backward.MapFor(noisy, noisyTargets, cancellation)
                : InnerMaps(noisy, noisyTargets, cancellation);
            sum ??= zeros([rows, .. maps.shape.Skip(1)], maps.dtype).MoveToOuterDisposeScope();
            squares ??= zeros([rows, .. maps.shape.Skip(1)], maps.dtype).MoveToOuterDisposeScope();
            sum.IndexAddInPlace(0, index, maps);
            if (Options.Aggregation != NoiseAggregation.SmoothGrad) squares.IndexAddInPlace(0, index, maps.Squared());
            Progress?.Report((double)(start + count) / total);
        }
        Tensor mean = sum!.DividedBy((long)n);
        Tensor map = Options.Aggregation switch
        {
            NoiseAggregation.SmoothGradSquared => squares!.DividedBy((long)n),
            NoiseAggregation.VarGrad => squares!.DividedBy((long)n) - mean.Squared(),
            _ => mean,
        };
        return new AttributionMap(Name, map, targets, scores);
    }

    private Tensor InnerMaps(Tensor noisy, long[] targets, CancellationToken cancellation)
    {
        using AttributionMap map = _inner.Attribute(noisy, Target.PerRow(targets), cancellation);
        return map.Map.clone();
    }

    /// <summary>[N·n, C, H, W] Gaussian noise: given, or drawn from the seeded generator with σ per image.</summary>
    private Tensor Noise(Tensor input)
    {
        long rows = input.shape[0];
        int n = Options.Samples;
        long[] shape = [rows * n, .. input.shape.Skip(1)];
        if (Options.Noise is { } given)
        {
            if (!given.shape.SequenceEqual(shape))
                throw new ArgumentException($"The given noise must be [{string.Join(",", shape)}] (rows × samples first), got {given.Describe()}.");
            return given.to(input.dtype);
        }
        using var generator = RandomGenerators.FromSeed(Options.Seed);
        Tensor standard = randn(shape, input.dtype, generator: generator);
        if (Options.Sigma is { } sigma) return standard.Times(sigma);
        long[] spatial = Enumerable.Range(1, (int)input.Dimensions - 1).Select(d => (long)d).ToArray();
        Tensor range = input.amax(spatial, keepdim: true) - input.amin(spatial, keepdim: true);
        Tensor perCopy = tensor(Enumerable.Range(0, (int)(rows * n)).Select(i => (long)(i / n)).ToArray());
        return standard * range.Times(Options.NoiseLevel).index_select(0, perCopy);
    }

    public override void Dispose()
    {
        if (_ownsInner) _inner.Dispose();
        base.Dispose();
    }
}
