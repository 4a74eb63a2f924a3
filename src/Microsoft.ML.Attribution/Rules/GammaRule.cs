using Microsoft.ML.Attribution.Graph;
using Microsoft.ML.Attribution.Tensors;
using static TorchSharp.torch;

namespace Microsoft.ML.Attribution.Rules;

/// <summary>
/// Generalized LRP-γ (Zennit): weights W + γW⁺ favour positive contributions where the output is positive and
/// W + γW⁻ the negative ones where it is negative; equals the original γ rule for non-negative inputs.
/// </summary>
public sealed class GammaRule(double gamma = 0.25, double stabilizer = 1e-6) : LinearRule
{
    public double Gamma { get; } = gamma;

    public double Stabilizer { get; } = stabilizer;

    public override string Name => "gamma";

    protected override Tensor Relevance(ILinearLayer layer, Tensor input, Tensor relevance)
    {
        WeightModifier wUp = WeightModifier.Gamma(Gamma, positive: true), wDown = WeightModifier.Gamma(Gamma, positive: false);
        Tensor z = RecordedOutput(layer) ?? Forward(layer, input, layer.Weight, layer.Bias);
        if (IsNonNegative(input))
        {
            Tensor up = Rules.Stabilizer.Divide(relevance * z.GreaterThan(0), Forward(layer, input, wUp, true), Stabilizer);
            Tensor down = Rules.Stabilizer.Divide(relevance * z.LessThan(0), Forward(layer, input, wDown, true), Stabilizer);
            return Contribution(layer, input, up, wUp, input).Plus(Contribution(layer, input, down, wDown, input));
        }

        Tensor xp = Positive(input), xn = Negative(input);
        // Where z > 0: positive-favouring terms; where z < 0: negative-favouring ones (z = 0 passes nothing).
        Tensor sUp = Rules.Stabilizer.Divide(relevance * z.GreaterThan(0), Forward(layer, xp, wUp, true).Plus(Forward(layer, xn, wDown, false)), Stabilizer);
        Tensor sDown = Rules.Stabilizer.Divide(relevance * z.LessThan(0), Forward(layer, xp, wDown, true).Plus(Forward(layer, xn, wUp, false)), Stabilizer);
        return Contribution(layer, xp, sUp, wUp, input).Plus(Contribution(layer, xn, sUp, wDown, input))
            .Plus(Contribution(layer, xp, sDown, wDown, input)).Plus(Contribution(layer, xn, sDown, wUp, input));
    }
}
