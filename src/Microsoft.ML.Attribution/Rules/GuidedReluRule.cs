using Microsoft.ML.Attribution.Graph;
using Microsoft.ML.Attribution.Graph.Layers;
using static Microsoft.ML.Attribution.Torch.torch;

namespace Microsoft.ML.Attribution.Rules;

/// <summary>Guided backpropagation at a ReLU: g_in = g_out ⊙ [z &gt; 0] ⊙ [g_out &gt; 0].</summary>
public sealed class GuidedReluRule : IRule
{
    public static GuidedReluRule Instance { get; } = new();

    public string Name => "guided-relu";

    public bool AppliesTo(Layer layer) => layer is Relu or Clip or LeakyRelu;

    public Tensor[] Backward(LayerTrace trace, Tensor relevance)
    {
        using Tensor plain = trace.Layer.Backward(trace, relevance)[0];
        return [plain.clamp_min(0)];
    }
}
