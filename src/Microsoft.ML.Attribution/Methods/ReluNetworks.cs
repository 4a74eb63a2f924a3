using Microsoft.ML.Attribution.Graph;
using Microsoft.ML.Attribution.Graph.Layers;
using TorchSharp;
using static TorchSharp.torch;
using Microsoft.ML.Attribution.Tensors;

namespace Microsoft.ML.Attribution.Methods;

/// <summary>
/// The check behind methods whose rules assume a ReLU network (z⁺ needs non-negative layer inputs; RSP's rules are
/// defined for conv/ReLU/pool/batch-norm/residual-sum blocks only): it names every layer that is not such a block.
/// </summary>
internal static class ReluNetworks
{
    /// <summary>Throws <see cref="NotSupportedException"/> naming the layers (up to <paramref name="lastLayer"/>) that are not ReLU-network blocks.</summary>
    public static void Require(Network network, string method, int lastLayer = int.MaxValue)
    {
        int firstAffine = network.Layers.ToList().FindIndex(l => l is Conv2d or Linear);
        var offending = new List<string>();
        for (int i = 0; i <= Math.Min(network.Layers.Count - 1, lastLayer); i++)
        {
            Layer layer = network.Layers[i];
            if (ReferenceEquals(layer, network.OutputActivation)) continue;
            bool supported = layer switch
            {
                Conv2d or Linear or BatchNorm or Relu or MaxPool2d or AvgPool2d or AdaptiveAvgPool2d or Reshape or Concat => true,
                Pad pad => pad.Mode == PaddingModes.Constant,
                // A residual sum of two computed values; x − mean, x / std and the like only as input preprocessing.
                Arithmetic a => a.Op == ArithmeticOp.Add && !a.Inputs.Any(network.IsConstant) || i < firstAffine && a.Inputs.Any(network.IsConstant),
                _ => false,
            };
            if (!supported) offending.Add($"'{layer.Name}' ({layer.Kind})");
        }
        if (offending.Count > 0)
            throw new NotSupportedException(
                $"{method} is defined for ReLU networks (convolution, linear, batch norm, ReLU, max/average pooling, residual sums); " +
                $"this network has {offending.Count} other layer(s): {string.Join(", ", offending.Take(6))}{(offending.Count > 6 ? ", …" : "")}.");
    }
}
