using Microsoft.ML.Attribution.Graph;
using Microsoft.ML.Attribution.Tensors;
using static TorchSharp.torch;

namespace Microsoft.ML.Attribution.Rules;

/// <summary>
/// How relevance (or a gradient) crosses one layer backwards: from a tensor shaped like the layer's output to one
/// tensor per layer input. The plain gradient is one rule; LRP, guided and masked variants are others.
/// </summary>
public interface IRule
{
    /// <summary>Short name used in messages and composites, e.g. "epsilon".</summary>
    string Name { get; }

    /// <summary>Whether this rule is defined for <paramref name="layer"/> (checked before a backward pass starts).</summary>
    bool AppliesTo(Layer layer);

    /// <summary>The relevance for each input of <paramref name="trace"/>'s layer (entries for constant inputs are ignored).</summary>
    Tensor[] Backward(LayerTrace trace, Tensor relevance);
}
