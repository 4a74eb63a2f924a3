using Microsoft.ML.Attribution.Graph;
using Microsoft.ML.Attribution.Rules;
using TorchSharp;
using Microsoft.ML.Attribution.Tensors;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Microsoft.ML.Attribution.Methods;

/// <summary>What the two excitation-backprop methods share: the probability seed, layer lookup and map readout.</summary>
internal static class ExcitationMaps
{
    /// <summary>
    /// Probability 1 at each row's target; for fully-convolutional scores [N, K, h, w] TorchRay's pointing seed, the
    /// spatial softmax of the target's score map (methods.md §0.5).
    /// </summary>
    public static Tensor Seed(Tensor logits, long[] targets)
    {
        if (logits.Dimensions == 2) return Backpropagation.OneHot(logits, targets);
        using var scope = NewDisposeScope();
        long rows = logits.shape[0], positions = logits.shape.Skip(2).Aggregate(1L, (a, b) => a * b);
        Tensor flat = logits.flatten(2);
        Tensor index = tensor(targets).reshape(-1, 1, 1).expand(rows, 1, positions);
        Tensor spatial = flat.gather(1, index).softmax(2);
        return zeros_like(flat).scatter(1, index, spatial).reshape(logits.shape).MoveToOuterDisposeScope();
    }

    /// <summary>The layer called <paramref name="name"/>, which must produce a [C, H, W] map; null stays null (the input).</summary>
    public static Layer? SpatialLayer(Network network, string? name, string option)
    {
        if (name is null) return null;
        Layer layer = FindLayer(network, name, option);
        if (layer.OutputShape.Length != 3)
            throw new ArgumentException($"{option}: layer '{name}' produces [{string.Join(",", layer.OutputShape)}], not a [C,H,W] map to read a saliency from.", option);
        return layer;
    }

    public static Layer FindLayer(Network network, string name, string option) =>
        network.Contains(name) ? network[name]
        : throw new ArgumentException($"{option}: no layer named '{name}'. Layers: {string.Join(", ", network.Layers.Select(l => l.Name))}.", option);

    /// <summary>Σ over channels, optionally clamped at 0, resized bilinearly (align_corners = false, as TorchRay) to the input's H×W.</summary>
    public static Tensor Readout(Tensor relevance, Tensor input, bool positivePart)
    {
        using var scope = NewDisposeScope();
        Tensor map = relevance.sum(1, keepdim: true);
        if (positivePart) map = map.AtLeast(0);
        long height = input.shape[2], width = input.shape[3];
        if (map.shape[2] != height || map.shape[3] != width)
            map = F.interpolate(map, [height, width], mode: InterpolationMode.Bilinear, align_corners: false);
        return map.to(input.dtype).MoveToOuterDisposeScope();
    }
}
