using Microsoft.ML.Attribution.Composites;
using Microsoft.ML.Attribution.Graph;
using Microsoft.ML.Attribution.Rules;

namespace Microsoft.ML.Attribution.Methods;

/// <summary>Saliency (Simonyan et al. 2014): ∂f_t/∂x, one forward and one input-only backward.</summary>
public sealed class Gradient(Network network) : BackwardMethod(network)
{
    protected override bool ExplainsOpaqueModules => true;

    public override string Name => "gradient";

    protected override bool FoldsBatchNorm => true;

    protected override bool GradientRulesOnly => true;

    protected override Func<Layer, IRule> RulesFor(Network network) => NamedComposites.Gradient().For(network);
}
