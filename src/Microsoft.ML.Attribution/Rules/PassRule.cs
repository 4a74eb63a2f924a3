using Microsoft.ML.Attribution.Graph;
using Microsoft.ML.Attribution.Graph.Layers;
using Microsoft.ML.Attribution.Tensors;
using static TorchSharp.torch;

namespace Microsoft.ML.Attribution.Rules;

/// <summary>Relevance passes through unchanged (LRP's treatment of element-wise activations such as ReLU).</summary>
public sealed class PassRule : IRule
{
    public static PassRule Instance { get; } = new();

    public string Name => "pass";

    /// <summary>True: relevance passes unchanged, whatever the values.</summary>

    public bool AppliesTo(Layer layer) => layer is Relu or LeakyRelu or Clip or Sigmoid || layer.Inputs.Count == 1 && layer.InputShapes.Count == 1 && layer.InputShapes[0].SequenceEqual(layer.OutputShape);

    public Tensor[] Backward(LayerTrace trace, Tensor relevance) => [relevance.alias()];
}
