using Microsoft.ML.Attribution.Graph;
using Microsoft.ML.Attribution.Tensors;
using static TorchSharp.torch;

namespace Microsoft.ML.Attribution.Rules;

/// <summary>The layer's own vector-Jacobian product: plain backpropagation (and winner-take-all for max pooling).</summary>
public sealed class GradientRule : IRule
{
    public static GradientRule Instance { get; } = new();

    public string Name => "gradient";

    public bool AppliesTo(Layer layer) => true;

    public Tensor[] Backward(LayerTrace trace, Tensor relevance) => trace.Layer.Backward(trace, relevance);
}
