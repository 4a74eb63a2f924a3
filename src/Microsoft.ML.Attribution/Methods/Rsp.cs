using Microsoft.ML.Attribution.Composites;
using Microsoft.ML.Attribution.Graph;
using Microsoft.ML.Attribution.Graph.Layers;
using Microsoft.ML.Attribution.Rules;
using Microsoft.ML.Attribution.Tensors;
using static TorchSharp.torch;

namespace Microsoft.ML.Attribution.Methods;

/// <summary>
/// RSP, relative sectional propagation (Nam, Choi, Lee, AAAI 2021; methods.md §2), following the official release's
/// semantics. Relevance starts at the last convolutional block as Grad-CAM without the channel sum (§2.3) and is
/// propagated down with RSP's own rules (§2.4): ReLUs pass, pools hand relevance to their (shifted) inputs, inner
/// convolutions propagate the positive and the negative section separately with relevance-weighted kernels and a
/// uniform shift, the first convolution uses z^B with the image's own bounds. The result is bi-polar: positive for the
/// target, negative for hostile evidence.
/// <para>ResNets: the release has no rule for its bottleneck, so the residual sum, batch norm and 1×1 rules follow the
/// [RECONSTRUCTED] extension of §2.7 (the same per-layer rules wired through the graph; relevance meeting at a fork is
/// summed).</para>
/// <para>Map [N, C, H, W], signed. Extras: "start" the relevance at the start layer; "positive" the release's
/// localization map max(Σ_c R, 0) / max [N, 1, H, W].</para>
/// </summary>
public sealed class Rsp : AttributionMethod
{
    private readonly Composite _composite;

    public Rsp(Network network, RspOptions? options = null) : base(network)
    {
        Options = options ?? new RspOptions();
        if (Options.ComparativeClasses < 2)
            throw new ArgumentOutOfRangeException(nameof(options), Options.ComparativeClasses, "The comparative initialization needs the target and at least one other class.");
        StartLayer = Options.StartLayer is { } name ? network[name] : network.LastConvolutionalBlock;
        if (StartLayer.OutputShape.Length != 3)
            throw new ArgumentException($"RSP starts at a convolutional feature map [C, H, W]; '{StartLayer.Name}' outputs [{string.Join(",", StartLayer.OutputShape)}].", nameof(options));
        int start = network.IndexOf(StartLayer.Name);
        ReluNetworks.Require(network, "RSP", start);
        if (network.Layers.Take(start + 1).FirstOrDefault(l => l is Linear) is { } dense)
            throw new NotSupportedException($"RSP's rules cover the convolutional part; dense layer '{dense.Name}' comes before the start layer '{StartLayer.Name}'.");
        _composite = Rules(network, Options.Purge);
    }

    public override string Name => "rsp";

    public RspOptions Options { get; }

    /// <summary>The layer at whose output relevance starts.</summary>
    public Layer StartLayer { get; }

    /// <summary>RSP's rule for each layer kind; the first convolution gets z^B with the image's bounds.</summary>
    internal static Composite Rules(Network network, bool purge) =>
        new("rsp",
        [
            (l => l is Relu, PassRule.Instance),
            (l => l is MaxPool2d or AvgPool2d or AdaptiveAvgPool2d, new RspPoolRule()),
            (Composite.Is<BatchNorm>(), RspBatchNormRule.Instance),
            (l => l is Arithmetic { Op: ArithmeticOp.Add } && !l.Inputs.Any(network.IsConstant), new RspAddRule()),
            (Composite.Is<Arithmetic>(), new NormRule(1e-9)), // input preprocessing (x − mean, x / std) before the first convolution
            (Composite.Is<Conv2d>(), new RspConvRule(purge)),
        ], firstLayer: RspFirstLayerRule.Instance);

    protected override AttributionMap Compute(Tensor input, Target target, CancellationToken cancellation)
    {
        using Tape tape = Network.Record(input);
        ContrastiveLrp.RequireClassScores(tape.Logits, "RSP");
        var (targets, scores) = ResolveTargets(tape.Logits, target);
        Tensor start = Options.Initialization == RspInitialization.Release
            ? ReleaseStart(tape, targets, cancellation)
            : ComparativeStart(tape, targets, cancellation);
        Tensor map;
        using (BackwardResult result = Backpropagation.RunFrom(tape, StartLayer.Output, start, _composite.For(Network), cancellation: cancellation))
            map = result.Input!.alias();
        Tensor channelSum = map.sum(1, keepdim: true).AtLeast(0);
        Tensor positive = Stabilizer.SafeDivide(channelSum, channelSum.amax([1, 2, 3], keepdim: true));
        return new AttributionMap(Name, map, targets, scores, new Dictionary<string, Tensor> { ["start"] = start, ["positive"] = positive });
    }

    /// <summary>§2.3(a): M_t / (max M_t + 1e-9), M_t = A ⊙ mean_{u,v} ∂f_t/∂A (max over channels and positions, per row).</summary>
    private Tensor ReleaseStart(Tape tape, long[] targets, CancellationToken cancellation)
    {
        Tensor cam = CamWithoutSum(tape, targets, cancellation);
        return cam / cam.amax([1, 2, 3], keepdim: true).Plus(1e-9);
    }

    /// <summary>§2.3(b), the release's relative_GAM: target vs. the other top-K classes, positive mass 2, hostile mass 1.</summary>
    private Tensor ComparativeStart(Tape tape, long[] targets, CancellationToken cancellation)
    {
        long[][] classes = ComparedClasses(tape.Logits, targets, Options.ComparativeClasses);
        int k = classes[0].Length;
        long[] perRow = [1, 2, 3];
        Tensor? difference = null;
        for (int c = 0; c < k; c++)
        {
            Tensor cam = CamWithoutSum(tape, classes.Select(row => row[c]).ToArray(), cancellation);
            Tensor normalized = cam / cam.amax(perRow, keepdim: true).Plus(1e-9);
            Tensor term = c == 0 ? normalized.Times((long)(k - 1)) : normalized.neg();
            difference = difference is null ? term : difference.Plus(term);
        }
        Tensor positive = difference!.AtLeast(0);
        positive = positive / positive.sum(perRow, keepdim: true).Plus(1e-9);
        Tensor hostile = difference!.AtMost(0);
        hostile = Stabilizer.SafeDivide(hostile, hostile.amin(perRow, keepdim: true));
        hostile = hostile / hostile.sum(perRow, keepdim: true).Plus(1e-9) * positive.sum(perRow, keepdim: true);
        Tensor spatial = (positive - hostile).sum(1, keepdim: true);
        Tensor forTarget = spatial * spatial.GreaterThan(0).to(spatial.dtype);
        forTarget = forTarget.Times(2.0) / forTarget.sum(perRow, keepdim: true).Plus(1e-9);
        Tensor against = spatial * spatial.AtMostMask(0).to(spatial.dtype);
        against = Stabilizer.SafeDivide(against, against.sum(perRow, keepdim: true).Plus(1e-9));
        Tensor activation = tape.Value(StartLayer.Output);
        return (forTarget - against).DividedBy(activation.shape[1]).expand(activation.shape).contiguous();
    }

    /// <summary>Per row: the target first, then the other highest-scoring classes (K in total, at most all classes).</summary>
    private static long[][] ComparedClasses(Tensor logits, long[] targets, int count)
    {
        long classCount = logits.shape[1];
        if (classCount < 2) throw new NotSupportedException("The comparative initialization needs at least two classes.");
        int k = (int)Math.Min(count, classCount);
        var (_, order) = logits.sort(1, descending: true);
        using (order)
        {
            long[] ranked = order.ToArray<long>();
            return targets.Select((t, n) =>
                new[] { t }.Concat(ranked.Skip(n * (int)classCount).Take((int)classCount).Where(c => c != t).Take(k - 1)).ToArray()).ToArray();
        }
    }

    /// <summary>Grad-CAM without the channel sum at the start layer: A ⊙ mean_{u,v} ∂f_c/∂A, for one class per row.</summary>
    private Tensor CamWithoutSum(Tape tape, long[] classes, CancellationToken cancellation)
    {
        string at = StartLayer.Output;
        using Tensor seed = Backpropagation.OneHot(tape.Logits, classes);
        using BackwardResult result = Backpropagation.Run(tape, seed, _ => GradientRule.Instance, capture: [at], stopAt: at, cancellation: cancellation);
        if (!result.Captured.TryGetValue(at, out Tensor? gradient))
            throw new InvalidOperationException($"The class scores do not depend on the start layer '{StartLayer.Name}'.");
        using Tensor weights = gradient.mean([2, 3], keepdim: true);
        return tape.Value(at) * weights;
    }
}
