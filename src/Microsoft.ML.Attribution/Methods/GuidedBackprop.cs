using Microsoft.ML.Attribution.Composites;
using Microsoft.ML.Attribution.Graph;
using Microsoft.ML.Attribution.Rules;

namespace Microsoft.ML.Attribution.Methods;

/// <summary>Guided backpropagation (Springenberg et al. 2015): ReLUs pass only positive gradients where the unit was active.</summary>
public sealed class GuidedBackprop(Network network) : BackwardMethod(network)
{
    public override string Name => "guided-backprop";

    protected override Func<Layer, IRule> RulesFor(Network network) => NamedComposites.GuidedBackprop().For(network);
}
