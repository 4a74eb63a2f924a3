using Microsoft.ML.Attribution.Graph;
using Microsoft.ML.Attribution.Graph.Layers;
using Microsoft.ML.Attribution.Tensors;
using static TorchSharp.torch;

namespace Microsoft.ML.Attribution.Rules;

/// <summary>
/// RSP's batch-norm rule (methods.md §2.4; used on the ResNet path, §2.7 [RECONSTRUCTED]). The release spreads the
/// shift over each channel's non-zero units, removes it, applies the z-rule of the diagonal scaling and adds the shift
/// back; algebraically that is R_in = R ⊙ [s·X ≠ 0], which is what this computes.
/// </summary>
public sealed class RspBatchNormRule : IRule
{
    public static RspBatchNormRule Instance { get; } = new();

    public string Name => "rsp-batch-norm";

    public bool AppliesTo(Layer layer) => layer is BatchNorm;

    public Tensor[] Backward(LayerTrace trace, Tensor relevance)
    {
        var norm = (BatchNorm)trace.Layer;
        using var scope = NewDisposeScope();
        Tensor scale = norm.EffectiveScale().reshape(BatchNorm.ChannelShape(trace.Input));
        Tensor kept = (trace.Input * scale).NotEqualTo(0);
        return [ConditionalFill.Where(kept, relevance, 0.0).MoveToOuterDisposeScope()];
    }
}
