using Microsoft.ML.Attribution.Graph.Layers;
using static Microsoft.ML.Attribution.Torch.torch;

namespace Microsoft.ML.Attribution.Graph.Canonizers;

/// <summary>
/// Folds every inference BatchNorm that directly follows a Conv2d or Linear (whose output nothing else reads) into
/// that layer: W' = s·W, b' = s·b + t with s = γ/√(σ²+ε), t = β − μs. Returns a new network; the given one is untouched.
/// </summary>
public static class MergeBatchNorm
{
    public static Network Apply(Network network)
    {
        var merged = new Dictionary<string, BatchNorm>(); // affine layer name → the BN folded into it
        var removed = new HashSet<string>();
        foreach (Layer layer in network.Layers)
        {
            if (layer is not BatchNorm bn || network.ProducerOf(bn.Inputs[0]) is not { } producer) continue;
            if (producer is not (Conv2d or Linear) || network.ConsumersOf(producer.Output).Count() != 1 || network.OutputNames.Contains(producer.Output)) continue;
            if (producer is Linear && bn.InputShapes.FirstOrDefault()?.Length != 1) continue; // BN over a Linear must be per feature
            merged[producer.Name] = bn;
            removed.Add(bn.Name);
        }

        var layers = new List<Layer>();
        foreach (Layer layer in network.Layers)
        {
            if (removed.Contains(layer.Name)) continue;
            // Detached like the constants below: the merged network outlives the caller's dispose scope (methods prepare it inside one).
            Layer copy = layer.CloneWith(t => t.clone().DetachFromDisposeScope());
            if (merged.TryGetValue(layer.Name, out BatchNorm? bn))
            {
                Fold(copy, bn);
                copy.Output = bn.Output;
                copy.OutputShape = bn.OutputShape;
            }
            layers.Add(copy);
        }
        return new Network(layers, network.Inputs, network.OutputNames, network.Constants.ToDictionary(kv => kv.Key, kv => kv.Value.clone().DetachFromDisposeScope()))
        {
            Warnings = network.Warnings,
        };
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
                    Tensor b = conv.Bias is null ? t : conv.Bias * s + t;
                    conv.SetParameters(w.DetachFromDisposeScope(), b.DetachFromDisposeScope());
                    break;
                }
            case Linear linear:
                {
                    Tensor w = linear.Weight * s.reshape(-1, 1);
                    Tensor b = linear.Bias is null ? t : linear.Bias * s + t;
                    linear.SetParameters(w.DetachFromDisposeScope(), b.DetachFromDisposeScope());
                    break;
                }
        }
    }
}
