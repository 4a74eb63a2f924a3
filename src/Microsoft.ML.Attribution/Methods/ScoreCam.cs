using Microsoft.ML.Attribution.Graph;
using Microsoft.ML.Attribution.Maps;
using TorchSharp;
using Microsoft.ML.Attribution.Tensors;
using static TorchSharp.torch;

namespace Microsoft.ML.Attribution.Methods;

/// <summary>
/// Score-CAM (Wang et al. 2020) as pytorch-grad-cam computes it: each activation channel is upsampled to the input
/// (bilinear, align_corners=true), min-max scaled, and used as a mask on the input; the target logit of each masked
/// input, softmaxed over channels, weights the channels: map = ReLU(Σ_k w_k·A_k). No backward pass. The N·K masked
/// forward passes run in sub-batches sized by the memory budget; channels constant over the map (zero masks) share one forward.
/// </summary>
public sealed class ScoreCam : CamMethod
{
    public ScoreCam(Network network, ScoreCamOptions? options = null) : base(network, options ??= new ScoreCamOptions()) => Options = options;

    public ScoreCamOptions Options { get; }

    protected override bool ExplainsOpaqueModules => true;

    public override string Name => "scorecam";

    protected override AttributionMap Compute(Tensor input, Target target, CancellationToken cancellation)
    {
        Tensor activations;
        long[] targets;
        double[] scores;
        using (var tape = Network.Record(input))
        {
            (targets, scores) = ResolveTargets(tape.Logits, target);
            activations = tape.Value(Layer.Output).alias();
        }
        long rows = activations.shape[0], channels = activations.shape[1];
        long chunk = SubBatchRows(Options.MemoryBudgetMb, input.dtype);
        // A channel that is constant over the map (typically all zero after a ReLU) min-max scales to a zero mask: its
        // masked input is the zero image, whose score one forward gives for every such (row, channel) pair.
        double[] pairLogits = new double[rows * channels];
        long[] varying;
        using (Tensor flat = activations.flatten(2))
        using (Tensor spread = flat.amax([2]) - flat.amin([2]))
        using (Tensor varies = spread.GreaterThan(0).flatten())
        {
            bool[] flags = varies.ToArray<bool>();
            varying = Enumerable.Range(0, flags.Length).Where(i => flags[i]).Select(i => (long)i).ToArray();
            if (varying.Length < flags.Length) FillConstantChannels(input, targets, flags, pairLogits, channels);
        }
        // One mask per varying (row, channel) pair, in row-major order, so chunks may span rows and fill the batch.
        using Tensor masksSource = activations.reshape(rows * channels, 1, activations.shape[2], activations.shape[3]);
        for (long start = 0; start < varying.Length; start += chunk)
        {
            cancellation.ThrowIfCancellationRequested();
            long count = Math.Min(chunk, varying.Length - start);
            using var scope = NewDisposeScope();
            long[] pairs = varying[(int)start..(int)(start + count)];
            long[] rowOf = pairs.Select(p => p / channels).ToArray();
            Tensor upsampled = MapResize.ToSizeOf(masksSource.index_select(0, tensor(pairs, device: input.device)), input, MapInterpolation.BilinearAlignCorners);
            Tensor masks = MapNormalization.MinMax(upsampled, firstReducedDim: 1, epsilon: Options.MaskEpsilon);
            Tensor masked = input.index_select(0, tensor(rowOf, device: input.device)) * masks;
            Tensor logits = Network.ForwardLogits(masked);
            Tensor picked = PerturbationScores.FromLogits(logits, tensor(rowOf.Select(r => targets[r]).ToArray(), device: input.device), PerturbationScore.Logit);
            double[] values = picked.to(ScalarType.Float64).ToArray<double>();
            for (int k = 0; k < count; k++) pairLogits[pairs[k]] = values[k];
            Progress?.Report((double)(start + count) / varying.Length);
        }
        using Tensor channelLogits = tensor(pairLogits, [rows, channels], ScalarType.Float64).to(input.dtype, input.device);
        Tensor weights = channelLogits.softmax(1);
        Tensor cam = WeightedSum(weights, activations, Options.Relu);
        return CamResult(input, cam, weights, targets, scores, Options.Upsampling,
            new Dictionary<string, Tensor> { ["activations"] = activations });
    }

    /// <summary>The target scores of the zero image (one forward) for the pairs whose channel is constant.</summary>
    private void FillConstantChannels(Tensor input, long[] targets, bool[] varies, double[] pairLogits, long channels)
    {
        using var scope = NewDisposeScope();
        // One forward of the zero image, its scores read for every row's target as the varying channels' are.
        Tensor zeroLogits = Network.ForwardLogits(zeros_like(input.narrow(0, 0, 1)));
        Tensor perRow = zeroLogits.expand([targets.Length, .. zeroLogits.shape[1..]]);
        double[] logits = PerturbationScores.FromLogits(perRow, tensor(targets, device: input.device), PerturbationScore.Logit).to(ScalarType.Float64).ToArray<double>();
        for (long pair = 0; pair < varies.Length; pair++)
            if (!varies[pair]) pairLogits[pair] = logits[pair / channels];
    }
}
