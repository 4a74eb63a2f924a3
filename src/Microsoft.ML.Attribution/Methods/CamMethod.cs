using Microsoft.ML.Attribution.Composites;
using Microsoft.ML.Attribution.Graph;
using Microsoft.ML.Attribution.Maps;
using Microsoft.ML.Attribution.Rules;
using Microsoft.ML.Attribution.Tensors;
using static TorchSharp.torch;

namespace Microsoft.ML.Attribution.Methods;

/// <summary>
/// Class activation maps: a per-channel weighting of one layer's activations A [N, K, h, w], summed over channels.
/// Map is that sum resized to the input ([N, 1, H, W]); Extras["cam"] is the layer-resolution sum [N, 1, h, w] and
/// Extras["weights"] the channel weights [N, K].
/// </summary>
public abstract class CamMethod : AttributionMethod
{
    protected CamMethod(Network network, CamOptions options) : base(network)
    {
        ArgumentNullException.ThrowIfNull(options);
        Layer = ResolveLayer(network, options.Layer);
    }

    /// <summary>The layer whose output activations are weighted.</summary>
    public Layer Layer { get; }

    /// <summary>The named layer (or the last convolutional block), checked to have a spatial [K, h, w] output.</summary>
    public static Layer ResolveLayer(Network network, string? layerName)
    {
        ArgumentNullException.ThrowIfNull(network);
        Layer layer;
        Layer? moduleSplit = network.Layers.FirstOrDefault(l => l is Modules.ModuleLayer { Part: Modules.ModulePart.Head });
        if (layerName is null && moduleSplit is not null) layer = moduleSplit;
        else if (layerName is null && network.Layers.Any(l => l is Modules.ModuleLayer))
            throw new ArgumentException("CAM methods on a TorchSharp module need its CAM layer: wrap it with ModuleNetwork.Create(module, shape, camLayer: \"layer4\") (a submodule name).", nameof(layerName));
        else if (layerName is null) layer = network.LastConvolutionalBlock;
        else if (network.Contains(layerName)) layer = network[layerName];
        else
        {
            var spatial = network.Layers.Where(IsSpatial).Select(l => $"'{l.Name}'").ToList();
            string some = spatial.Count > 12 ? string.Join(", ", spatial.TakeLast(12)) + " (the last 12)" : string.Join(", ", spatial);
            throw new ArgumentException($"No layer named '{layerName}'. Layers with spatial outputs: {some}.", nameof(layerName));
        }
        if (!IsSpatial(layer))
            throw new ArgumentException(
                $"Layer '{layer.Name}' ({layer.Kind}) outputs [{string.Join(",", layer.OutputShape)}] per sample, not a spatial [channels, height, width] " +
                $"map; CAM methods need a convolutional layer such as '{network.LastConvolutionalBlock.Name}'.", nameof(layerName));
        return layer;
    }

    private static bool IsSpatial(Layer layer) => layer.OutputShape.Length == 3;

    /// <summary>
    /// One recorded forward and one plain backward stopped at the layer: the targets, their logits, and the layer's
    /// activations A and gradients ∂f_t/∂A ([N, K, h, w] each; the gradient is zero where f_t does not depend on A).
    /// </summary>
    protected (long[] targets, double[] scores, Tensor activations, Tensor gradients) LayerGradients(Tape tape, Target target,
        CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(tape);
        var (targets, scores) = ResolveTargets(tape.Logits, target);
        Tensor activations = tape.Value(Layer.Output).alias();
        using Tensor seed = Backpropagation.OneHot(tape.Logits, targets);
        using BackwardResult result = Backpropagation.Run(tape, seed, NamedComposites.Gradient().For(Network), capture: [Layer.Output],
            stopAt: Layer.Output, cancellation: cancellation);
        Tensor gradients = result.Captured.TryGetValue(Layer.Output, out Tensor? captured) ? captured.alias() : zeros_like(activations);
        return (targets, scores, activations, gradients);
    }

    /// <summary>Σ_k w_k·A_k → [N, 1, h, w] (weights [N, K]), then ReLU when asked.</summary>
    protected static Tensor WeightedSum(Tensor weights, Tensor activations, bool relu)
    {
        using Tensor w = weights.reshape(weights.shape[0], weights.shape[1], 1, 1);
        using Tensor weighted = w * activations;
        Tensor cam = weighted.sum(1, keepdim: true);
        if (!relu) return cam;
        using (cam) return cam.relu();
    }

    /// <summary>The map for the layer-resolution <paramref name="cam"/>: resized to the input, with the cam and weights as extras.</summary>
    protected AttributionMap CamResult(Tensor input, Tensor cam, Tensor weights, long[] targets, double[] scores, MapInterpolation upsampling,
        IReadOnlyDictionary<string, Tensor>? moreExtras = null)
    {
        Tensor map = MapResize.ToSizeOf(cam, input, upsampling);
        var extras = new Dictionary<string, Tensor> { ["cam"] = cam, ["weights"] = weights };
        if (moreExtras != null)
            foreach (var (key, value) in moreExtras) extras[key] = value;
        return new AttributionMap(Name, map, targets, scores, extras);
    }
}
