using Microsoft.ML.Attribution.Graph;
using Microsoft.ML.Attribution.Graph.Layers;
using Microsoft.ML.Attribution.Tensors;
using static TorchSharp.torch;

namespace Microsoft.ML.Attribution.Rules;

/// <summary>DeconvNet at a ReLU: g_in = max(g_out, 0), ignoring the forward gate.</summary>
public sealed class DeconvReluRule : IRule
{
    public static DeconvReluRule Instance { get; } = new();

    public string Name => "deconv-relu";

    public bool AppliesTo(Layer layer) => layer is Relu or Clip or LeakyRelu;

    public Tensor[] Backward(LayerTrace trace, Tensor relevance) => [relevance.AtLeast(0)];
}
