using Microsoft.ML.Attribution.Composites;
using Microsoft.ML.Attribution.Graph;
using Microsoft.ML.Attribution.Rules;

namespace Microsoft.ML.Attribution.Methods;

/// <summary>Gradient ⊙ input (signed); equals LRP-0 on ReLU networks.</summary>
public sealed class GradientTimesInput(Network network) : BackwardMethod(network)
{
    protected override bool ExplainsOpaqueModules => true;

    public override string Name => "gradient-x-input";

    protected override bool FoldsBatchNorm => true;

    protected override bool GradientRulesOnly => true;

    protected override bool MultiplyByInput => true;

    protected override Func<Layer, IRule> RulesFor(Network network) => NamedComposites.Gradient().For(network);
}
