using Microsoft.ML.Attribution.Composites;
using Microsoft.ML.Attribution.Graph;
using Microsoft.ML.Attribution.Graph.Layers;
using Microsoft.ML.Attribution.Rules;
using Microsoft.ML.Attribution.Tensors;
using static TorchSharp.torch;

namespace Microsoft.ML.Attribution.Methods;

/// <summary>What CLRP and SGLRP share: the base LRP of the CLRP reference code (methods.md §3.2) and small helpers.</summary>
internal static class ContrastiveLrp
{
    /// <summary>The smallest and largest value a [0, 1] pixel takes after ImageNet mean/std normalization (CLRP's code).</summary>
    public const double ImageNetLow = -2.1179, ImageNetHigh = 2.64;

    /// <summary>
    /// z^B on the first affine layer; bias-free z⁺ on every other convolution and dense layer (the classifier too);
    /// max pools winner-take-all (ties split equally when asked); ReLUs pass; average pools and residual sums
    /// proportional; batch norms pass (they are merged into the convolutions first).
    /// </summary>
    public static Composite BaseComposite(string name, double[] low, double[] high, double stabilizer, bool splitTiedMaxima) =>
        new(name,
        [
            (Composite.IsActivation, PassRule.Instance),
            (Composite.Is<MaxPool2d>(), splitTiedMaxima ? TiedMaxPoolRule.Instance : GradientRule.Instance),
            (Composite.IsNormLayer, new NormRule(stabilizer)),
            (Composite.Is<BatchNorm>(), PassRule.Instance),
            (l => l is Conv2d or Linear, new ZPlusRule(stabilizer, includeBias: false)),
        ], firstLayer: new ZBoxRule(low, high, stabilizer));

    /// <summary>The input relevance of one LRP pass from <paramref name="seed"/>.</summary>
    public static Tensor Propagate(Tape tape, Tensor seed, Func<Layer, IRule> rules, CancellationToken cancellation)
    {
        using BackwardResult result = Backpropagation.Run(tape, seed, rules, cancellation: cancellation);
        return result.Input!.alias();
    }

    /// <summary>Σ over everything but the batch dimension, kept broadcastable ([N, 1, 1, 1] for images).</summary>
    public static Tensor RowSums(Tensor t) => t.sum(Enumerable.Range(1, (int)t.Dimensions - 1).Select(d => (long)d).ToArray(), keepdim: true);

    /// <summary>Contrastive seeds live on class scores [N, K]; fully-convolutional score maps are not supported.</summary>
    public static void RequireClassScores(Tensor logits, string method)
    {
        if (logits.Dimensions != 2)
            throw new NotSupportedException($"{method} seeds class scores [N, K]; this network's scores are {logits.Describe()}.");
    }
}
