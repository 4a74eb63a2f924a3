using Microsoft.ML.Attribution.Graph;
using Microsoft.ML.Attribution.Tensors;
using static TorchSharp.torch;

namespace Microsoft.ML.Attribution.Rules;

/// <summary>
/// RSP's rule for the first convolution (methods.md §2.4): z^B on the signed relevance with scalar bounds taken from
/// the image itself — L = min and H = max over all channels and positions of each row's input — and safe division
/// instead of an ε, so Σ R_in = Σ R wherever the denominator is non-zero.
/// </summary>
public sealed class RspFirstLayerRule : LinearRule
{
    public static RspFirstLayerRule Instance { get; } = new();

    public override string Name => "rsp-first-layer";

    protected override Tensor Relevance(ILinearLayer layer, Tensor input, Tensor relevance)
    {
        long[] perRow = Enumerable.Range(1, (int)input.Dimensions - 1).Select(d => (long)d).ToArray();
        Tensor low = input.amin(perRow, keepdim: true).expand(input.shape).contiguous();
        Tensor high = input.amax(perRow, keepdim: true).expand(input.shape).contiguous();
        Tensor w = layer.Weight;
        WeightModifier wp = WeightModifier.Positive, wn = WeightModifier.Negative;
        Tensor z = Forward(layer, input, w, null) - Forward(layer, low, wp, false) - Forward(layer, high, wn, false);
        Tensor s = Stabilizer.SafeDivide(relevance, z);
        return Contribution(layer, input, s, w, input) - Contribution(layer, low, s, wp, input) - Contribution(layer, high, s, wn, input);
    }
}
