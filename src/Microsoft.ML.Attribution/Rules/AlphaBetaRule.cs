using Microsoft.ML.Attribution.Graph;
using Microsoft.ML.Attribution.Tensors;
using static TorchSharp.torch;

namespace Microsoft.ML.Attribution.Rules;

/// <summary>
/// LRP-αβ with α − β = 1: α·(positive contributions, normalized by their sum) − β·(negative ones, likewise).
/// α1β0 equals z⁺; α2β1 is Zennit's EpsilonAlpha2Beta1 convolution rule.
/// </summary>
public sealed class AlphaBetaRule : LinearRule
{
    public AlphaBetaRule(double alpha = 2, double beta = 1, double stabilizer = 1e-6, bool includeBias = true)
    {
        if (alpha < 0 || beta < 0) throw new ArgumentOutOfRangeException(nameof(alpha), "α and β must be non-negative.");
        if (Math.Abs(alpha - beta - 1) > 1e-12) throw new ArgumentException($"α − β must equal 1 (got α={alpha}, β={beta}).");
        Alpha = alpha;
        Beta = beta;
        Stabilizer = stabilizer;
        IncludeBias = includeBias;
    }

    public double Alpha { get; }

    public double Beta { get; }

    public double Stabilizer { get; }

    public bool IncludeBias { get; }

    /// <summary>True: z⁺ and z⁻ vanish only where their contributions do.</summary>

    public override string Name => $"alpha{Alpha:G}-beta{Beta:G}";

    protected override Tensor Relevance(ILinearLayer layer, Tensor input, Tensor relevance)
    {
        WeightModifier wp = WeightModifier.Positive, wn = WeightModifier.Negative;
        if (IsNonNegative(input))
        {
            Tensor zPlus = Once(layer, $"z+ x>=0 bias={IncludeBias}", () => Forward(layer, input, wp, IncludeBias));
            Tensor sPositive = Rules.Stabilizer.Divide(relevance, zPlus, Stabilizer);
            Tensor onlyPositive = Contribution(layer, input, sPositive, wp, input);
            if (Beta == 0) return onlyPositive.Times(Alpha);
            // With x ≥ 0 the recorded output splits as z = (W⁺x + b⁺) + (W⁻x + b⁻), so z⁻ = z − z⁺ saves a modified forward:
            // one of the rule's five convolutions. Its rounding is ~1e-7·|z⁺| where a direct z⁻ has ~1e-7·|z⁻|.
            Tensor zMinus = IncludeBias && RecordedOutput(layer) is { } z
                ? Once(layer, "z- x>=0 from z", () => z - zPlus)
                : Once(layer, $"z- x>=0 bias={IncludeBias}", () => Forward(layer, input, wn, IncludeBias));
            Tensor sNegative = Rules.Stabilizer.Divide(relevance, zMinus, Stabilizer);
            return onlyPositive.Times(Alpha) - Contribution(layer, input, sNegative, wn, input).Times(Beta);
        }

        Tensor xp = Positive(input), xn = Negative(input);
        Tensor zPositive = Forward(layer, xp, wp, IncludeBias).Plus(Forward(layer, xn, wn, false));
        Tensor zNegative = Forward(layer, xp, wn, IncludeBias).Plus(Forward(layer, xn, wp, false));
        Tensor sp = Rules.Stabilizer.Divide(relevance, zPositive, Stabilizer);
        Tensor sn = Rules.Stabilizer.Divide(relevance, zNegative, Stabilizer);
        Tensor positive = Contribution(layer, xp, sp, wp, input).Plus(Contribution(layer, xn, sp, wn, input));
        if (Beta == 0) return positive.Times(Alpha);
        Tensor negative = Contribution(layer, xp, sn, wn, input).Plus(Contribution(layer, xn, sn, wp, input));
        return positive.Times(Alpha) - negative.Times(Beta);
    }
}
