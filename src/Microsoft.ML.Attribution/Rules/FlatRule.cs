using Microsoft.ML.Attribution.Graph;
using static Microsoft.ML.Attribution.Torch.torch;

namespace Microsoft.ML.Attribution.Rules;

/// <summary>
/// LRP-flat (weights and inputs set to 1, no bias): relevance spread uniformly over each receptive field;
/// with <see cref="Squared"/> it is LRP-w² (weights squared).
/// </summary>
public sealed class FlatRule(bool squared = false, double stabilizer = 1e-6) : LinearRule
{
    public bool Squared { get; } = squared;

    public double Stabilizer { get; } = stabilizer;

    public override string Name => Squared ? "w-square" : "flat";

    protected override Tensor Relevance(ILinearLayer layer, Tensor input, Tensor relevance)
    {
        WeightModifier w = Squared ? WeightModifier.Square : WeightModifier.Ones;
        Tensor unit = ones_like(input);
        Tensor z = Forward(layer, unit, w, false);
        Tensor s = Rules.Stabilizer.Divide(relevance, z, Stabilizer);
        return layer.TransposeModified(s, input, w);
    }
}
