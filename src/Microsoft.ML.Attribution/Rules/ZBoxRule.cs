using Microsoft.ML.Attribution.Graph;
using Microsoft.ML.Attribution.Tensors;
using static TorchSharp.torch;

namespace Microsoft.ML.Attribution.Rules;

/// <summary>
/// LRP-z^B for the first layer over a bounded input domain [low, high] (one value, or one per input channel as the
/// normalization gives): R_in = x⊙Lᵀ(s;W) − l⊙Lᵀ(s;W⁺) − h⊙Lᵀ(s;W⁻), s = R / (Wx − W⁺l − W⁻h).
/// Without bounds, each channel's minimum and maximum over the batch are used (what Zennit's examples do for raw inputs).
/// </summary>
public sealed class ZBoxRule : LinearRule
{
    public ZBoxRule(double[]? low = null, double[]? high = null, double stabilizer = 1e-6)
    {
        if ((low is null) != (high is null)) throw new ArgumentException("Give both low and high bounds, or neither (then the batch's range is used).");
        if (low is not null && (low.Length == 0 || low.Length != high!.Length)) throw new ArgumentException("low and high need the same, non-zero number of values.");
        if (low is not null && low.Zip(high!).Any(p => !(p.First <= p.Second))) throw new ArgumentException("Each low bound must not exceed its high bound.");
        Low = low;
        High = high;
        Stabilizer = stabilizer;
    }

    public ZBoxRule(double low, double high, double stabilizer = 1e-6) : this([low], [high], stabilizer) { }

    /// <summary>Lowest possible input value (per channel, or one for all); null = the batch's per-channel minimum.</summary>
    public double[]? Low { get; }

    public double[]? High { get; }

    public double Stabilizer { get; }

    /// <summary>True: Wx − W⁺l − W⁻h ≥ 0 vanishes only where every input of the window sits at its bound.</summary>

    public override string Name => "z-box";

    protected override Tensor Relevance(ILinearLayer layer, Tensor input, Tensor relevance)
    {
        Tensor low = Low is null ? BatchRange(input, max: false) : Bound(Low, input);
        Tensor high = High is null ? BatchRange(input, max: true) : Bound(High, input);
        WeightModifier wp = WeightModifier.Positive, wn = WeightModifier.Negative;
        Tensor z = Forward(layer, input, layer.Weight, null) - Forward(layer, low, wp, false) - Forward(layer, high, wn, false);
        Tensor s = Rules.Stabilizer.Divide(relevance, z, Stabilizer);
        return Contribution(layer, input, s, layer.Weight, input) - Contribution(layer, low, s, wp, input) - Contribution(layer, high, s, wn, input);
    }

    private static Tensor BatchRange(Tensor input, bool max)
    {
        long[] allButChannels = Enumerable.Range(0, (int)input.Dimensions).Where(d => d != 1).Select(d => (long)d).ToArray();
        Tensor bound = max ? input.amax(allButChannels, keepdim: true) : input.amin(allButChannels, keepdim: true);
        return bound.expand(input.shape).contiguous();
    }

    private static Tensor Bound(double[] values, Tensor like)
    {
        if (values.Length == 1) return HeldScalars.FilledLike(like, values[0]);
        if (like.Dimensions < 2 || like.shape[1] != values.Length)
            throw new ArgumentException($"z-box bounds have {values.Length} channels but the layer input is {like.Describe()}.");
        long[] shape = Enumerable.Range(0, (int)like.Dimensions).Select(d => d == 1 ? (long)values.Length : 1L).ToArray();
        return tensor(values, shape, like.dtype).expand(like.shape).contiguous();
    }
}
