using Microsoft.ML.Attribution.Graph;
using Microsoft.ML.Attribution.Maps;
using static Microsoft.ML.Attribution.Torch.torch;

namespace Microsoft.ML.Attribution.Methods;

/// <summary>
/// Score-CAM (Wang et al. 2020) as pytorch-grad-cam computes it: each activation channel is upsampled to the input
/// (bilinear, align_corners=true), min-max scaled, and used as a mask on the input; the target logit of each masked
/// input, softmaxed over channels, weights the channels: map = ReLU(Σ_k w_k·A_k). No backward pass. The N·K masked
/// forward passes run in sub-batches sized by the memory budget.
/// </summary>
public sealed class ScoreCam : CamMethod
{
    public ScoreCam(Network network, ScoreCamOptions? options = null) : base(network, options ??= new ScoreCamOptions()) => Options = options;

    public ScoreCamOptions Options { get; }

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
        long total = rows * channels, chunk = SubBatchRows(Options.MemoryBudgetMb, input.dtype);
        // One mask per (row, channel), in row-major order, so chunks may span rows and fill the batch.
        using Tensor masksSource = activations.reshape(total, 1, activations.shape[2], activations.shape[3]);
        var channelScores = new List<Tensor>();
        for (long start = 0; start < total; start += chunk)
        {
            cancellation.ThrowIfCancellationRequested();
            long count = Math.Min(chunk, total - start);
            using var scope = NewDisposeScope();
            long[] rowOf = Enumerable.Range(0, (int)count).Select(i => (start + i) / channels).ToArray();
            Tensor upsampled = MapResize.ToSizeOf(masksSource.narrow(0, start, count), input, MapInterpolation.BilinearAlignCorners);
            Tensor masks = MapNormalization.MinMax(upsampled, firstReducedDim: 1, epsilon: Options.MaskEpsilon);
            Tensor masked = input.index_select(0, tensor(rowOf, device: input.device)) * masks;
            Tensor logits = Network.ForwardLogits(masked);
            Tensor picked = logits.gather(1, tensor(rowOf.Select(r => targets[r]).ToArray(), device: input.device).reshape(-1, 1));
            channelScores.Add(picked.flatten().MoveToOuterDisposeScope());
            Progress?.Report((double)(start + count) / total);
        }
        using Tensor all = cat(channelScores, 0);
        foreach (Tensor t in channelScores) t.Dispose();
        using Tensor channelLogits = all.reshape(rows, channels);
        Tensor weights = channelLogits.softmax(1);
        Tensor cam = WeightedSum(weights, activations, Options.Relu);
        return CamResult(input, cam, weights, targets, scores, Options.Upsampling,
            new Dictionary<string, Tensor> { ["activations"] = activations });
    }
}
