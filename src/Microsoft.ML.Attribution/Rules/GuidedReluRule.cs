using Microsoft.ML.Attribution.Graph;
using Microsoft.ML.Attribution.Graph.Layers;
using Microsoft.ML.Attribution.Methods;
using Microsoft.ML.Attribution.Tensors;
using static TorchSharp.torch;

namespace Microsoft.ML.Attribution.Rules;

/// <summary>
/// Guided backpropagation at a ReLU with the gradient switch φ of methods.md §4.2: g_in = φ(g_out) ⊙ [z &gt; 0].
/// φ = Positive is the published rule; Signed is the plain gradient; Negative and Absolute are the study's variants.
/// </summary>
public sealed class GuidedReluRule : IRule
{
    public GuidedReluRule(GradientHandling gradients = GradientHandling.Positive) => Gradients = gradients;

    /// <summary>The published rule (φ = Positive).</summary>
    public static GuidedReluRule Instance { get; } = new();

    public GradientHandling Gradients { get; }

    public string Name => Gradients == GradientHandling.Positive ? "guided-relu" : $"guided-relu-{Gradients.ToString().ToLowerInvariant()}";

    public bool AppliesTo(Layer layer) => layer is Relu or Clip or LeakyRelu;

    public Tensor[] Backward(LayerTrace trace, Tensor relevance)
    {
        // φ after the plain backward is φ before it: the gate multiplies by a non-negative factor, which commutes with
        // max(·, 0), min(·, 0) and |·|.
        using Tensor plain = trace.Layer.Backward(trace, relevance)[0];
        return [Gradients.Apply(plain)];
    }
}
