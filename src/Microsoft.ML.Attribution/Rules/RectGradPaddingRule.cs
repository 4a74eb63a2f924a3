using Microsoft.ML.Attribution.Graph;
using Microsoft.ML.Attribution.Graph.Layers;
using Microsoft.ML.Attribution.Tensors;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Microsoft.ML.Attribution.Rules;

/// <summary>
/// RectGrad's padding trick (methods.md §5.7): before a zero-padded convolution's backward, the gradient on the
/// 1-pixel border of its output is zeroed. Padded border units see zeros in the forward pass, and their gradients
/// otherwise pile up as a bright frame in the map. Convolutions without padding pass the plain gradient.
/// </summary>
public sealed class RectGradPaddingRule(bool zeroBorder = true) : IRule
{
    /// <summary>With the padding trick.</summary>
    public static RectGradPaddingRule Instance { get; } = new();

    /// <summary>Exact transposes only (RectGrad without the padding trick).</summary>
    public static RectGradPaddingRule PlainGradient { get; } = new(zeroBorder: false);

    public string Name => zeroBorder ? "rectgrad-padding" : "exact-gradient";

    public bool AppliesTo(Layer layer) => layer is Conv2d;

    /// <summary>Whether the trick changes this layer's backward: a convolution with any zero padding.</summary>
    public static bool IsPadded(Layer layer) => layer is Conv2d conv && conv.Padding.Any(p => p > 0);

    public Tensor[] Backward(LayerTrace trace, Tensor relevance)
    {
        var conv = (Conv2d)trace.Layer;
        if (!zeroBorder || !IsPadded(conv)) return [conv.TransposeWith(relevance, trace.Input, conv.Weight)];
        using var scope = NewDisposeScope();
        long height = relevance.shape[2], width = relevance.shape[3];
        // Crop the border and pad it back with zeros (a map of at most two pixels per side is all border).
        Tensor interior = height > 2 && width > 2
            ? F.pad(relevance.narrow(2, 1, height - 2).narrow(3, 1, width - 2), [1, 1, 1, 1])
            : zeros_like(relevance);
        Tensor result = conv.TransposeWith(interior, trace.Input, conv.Weight);
        return [result.MoveToOuterDisposeScope()];
    }
}
