using Microsoft.ML.Attribution.Graph;
using Microsoft.ML.Attribution.Tensors;
using static TorchSharp.torch;

namespace Microsoft.ML.Attribution.Rules;

/// <summary>LRP-ε: R_in = x ⊙ Lᵀ(R / stab(Wx + b)). ε = 0 is LRP-0 (still safe at exactly zero).</summary>
public sealed class EpsilonRule(double epsilon = 1e-6, bool includeBias = true) : LinearRule
{
    public double Epsilon { get; } = epsilon;

    public bool IncludeBias { get; } = includeBias;

    public override string Name => Epsilon == 0 ? "lrp-0" : "epsilon";

    protected override Tensor Relevance(ILinearLayer layer, Tensor input, Tensor relevance)
    {
        Tensor z = IncludeBias && RecordedOutput(layer) is { } recorded
            ? recorded
            : Once(layer, $"z bias={IncludeBias}", () => Forward(layer, input, layer.Weight, IncludeBias ? layer.Bias : null));
        Tensor s = Stabilizer.Divide(relevance, z, Epsilon);
        return Contribution(layer, input, s, layer.Weight, input);
    }
}
