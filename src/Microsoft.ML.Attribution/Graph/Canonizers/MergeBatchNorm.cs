using Microsoft.ML.Attribution.Graph.Layers;
using Microsoft.ML.Attribution.Tensors;
using static TorchSharp.torch;

namespace Microsoft.ML.Attribution.Graph.Canonizers;

/// <summary>
/// Folds every inference BatchNorm that directly follows a Conv2d or Linear (whose output nothing else reads) into
/// that layer: W' = s·W, b' = s·b + t with s = γ/√(σ²+ε), t = β − μs. Returns a new network; the given one is untouched.
/// Parameters the fold does not change are shared with the given network (aliases, not copies), so a merged ResNet
/// costs only its new convolution weights; nothing in the library writes parameters in place.
/// </summary>
public static class MergeBatchNorm
{
    /// <summary>Whether <see cref="Apply"/> would fold anything.</summary>
    public static bool HasMergeable(Network network) => Foldable(network).Count > 0;

    public static Network Apply(Network network)
    {
        Dictionary<string, BatchNorm> merged = Foldable(network); // affine layer name → the BN folded into it
        var removed = merged.Values.Select(bn => bn.Name).ToHashSet();

        var layers = new List<Layer>();
        foreach (Layer layer in network.Layers)
        {
            if (removed.Contains(layer.Name)) continue;
            // Detached like the constants below: the merged network outlives the caller's dispose scope (methods prepare it inside one).
            Layer copy = layer.CloneWith(t => t.alias().DetachFromDisposeScope());
            if (merged.TryGetValue(layer.Name, out BatchNorm? bn))
            {
                Fold(copy, bn);
                copy.Output = bn.Output;
                copy.OutputShape = bn.OutputShape;
            }
            layers.Add(copy);
        }
        return new Network(layers, network.Inputs, network.OutputNames, network.Constants.ToDictionary(kv => kv.Key, kv => kv.Value.alias().DetachFromDisposeScope()))
        {
            Warnings = network.Warnings,
        };
    }

    private static Dictionary<string, BatchNorm> Foldable(Network network)
    {
        var merged = new Dictionary<string, BatchNorm>();
        foreach (Layer layer in network.Layers)
        {
            if (layer is not BatchNorm bn || network.ProducerOf(bn.Inputs[0]) is not { } producer) continue;
            if (producer is not (Conv2d or Linear) || network.ConsumersOf(producer.Output).Count() != 1 || network.OutputNames.Contains(producer.Output)) continue;
            if (producer is Linear && bn.InputShapes.FirstOrDefault()?.Length != 1) continue; // BN over a Linear must be per feature
            merged[producer.Name] = bn;
        }
        return merged;
    }

    private static void Fold(Layer layer, BatchNorm bn)
    {
        using var scope = NewDisposeScope();
        Tensor s = bn.EffectiveScale(), t = bn.EffectiveShift();
        switch (layer)
        {
            case Conv2d conv:
                {
                    Tensor w = conv.Weight * s.reshape(-1, 1, 1, 1);
                    Tensor b = conv.Bias is null ? t : conv.Bias.mul(s).Plus(t);
                    conv.SetParameters(w.DetachFromDisposeScope(), b.DetachFromDisposeScope());
                    break;
                }
            case Linear linear:
                {
                    Tensor w = linear.Weight * s.reshape(-1, 1);
                    Tensor b = linear.Bias is null ? t : linear.Bias.mul(s).Plus(t);
                    linear.SetParameters(w.DetachFromDisposeScope(), b.DetachFromDisposeScope());
                    break;
                }
        }
    }
}
