using Microsoft.ML.Attribution.Graph;
using Microsoft.ML.Attribution.Tensors;
using static TorchSharp.torch;

namespace Microsoft.ML.Attribution.Rules;

/// <summary>
/// LRP-z⁺ (= α1β0): only positive contributions x⁺W⁺ (+ x⁻W⁻ for negative inputs, and b⁺ unless bias-free).
/// Conservative wherever the denominators are non-zero.
/// </summary>
public sealed class ZPlusRule(double stabilizer = 1e-6, bool includeBias = true) : LinearRule
{
    public double Stabilizer { get; } = stabilizer;

    public bool IncludeBias { get; } = includeBias;

    /// <summary>True: z⁺ vanishes only where the window's inputs (and so their contributions) do.</summary>

    public override string Name => "z-plus";

    protected override Tensor Relevance(ILinearLayer layer, Tensor input, Tensor relevance)
    {
        WeightModifier wp = WeightModifier.Positive;
        if (IsNonNegative(input))
        {
            Tensor zOnly = Once(layer, $"z+ x>=0 bias={IncludeBias}", () => Forward(layer, input, wp, IncludeBias));
            return Contribution(layer, input, Rules.Stabilizer.Divide(relevance, zOnly, Stabilizer), wp, input);
        }

        WeightModifier wn = WeightModifier.Negative;
        Tensor xp = Positive(input), xn = Negative(input);
        Tensor z = Once(layer, $"z+ bias={IncludeBias}", () => Forward(layer, xp, wp, IncludeBias).Plus(Forward(layer, xn, wn, false)));
        Tensor s = Rules.Stabilizer.Divide(relevance, z, Stabilizer);
        return Contribution(layer, xp, s, wp, input).Plus(Contribution(layer, xn, s, wn, input));
    }
}
