using Microsoft.ML.Attribution.Graph;
using Microsoft.ML.Attribution.Graph.Layers;
using static Microsoft.ML.Attribution.Torch.torch;

namespace Microsoft.ML.Attribution.Rules;

/// <summary>
/// A ReLU's own gate (its layer's backward: r ⊙ [y &gt; 0] on the recorded output), for composites whose rules above hand each unit relevance
/// in proportion to its value (excitation backprop): a gate that a rounded recording flips sits at a near-zero unit,
/// whose relevance is near zero already, so such a rule tolerates Winograd-recorded forwards where the gradient rule
/// (the same gate, but under rules that do not scale by the value) does not.
/// </summary>
public sealed class ProportionalGateRule : IRule
{
    public static ProportionalGateRule Instance { get; } = new();

    public string Name => "proportional-gate";

    public bool ToleratesRoundedForward => true;

    public bool AppliesTo(Layer layer) => layer is Relu;

    public Tensor[] Backward(LayerTrace trace, Tensor relevance) => trace.Layer.Backward(trace, relevance);
}
