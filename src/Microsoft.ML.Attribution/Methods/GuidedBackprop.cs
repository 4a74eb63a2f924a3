using Microsoft.ML.Attribution.Composites;
using Microsoft.ML.Attribution.Graph;
using Microsoft.ML.Attribution.Rules;

namespace Microsoft.ML.Attribution.Methods;

/// <summary>
/// Guided backpropagation (Springenberg et al. 2015): ReLUs pass only positive gradients where the unit was active.
/// <see cref="GuidedBackpropOptions.Gradients"/> swaps "only positive" for another φ (methods.md §4.2).
/// </summary>
public sealed class GuidedBackprop(Network network, GuidedBackpropOptions? options = null) : BackwardMethod(network)
{
    public GuidedBackpropOptions Options { get; } = options ?? new GuidedBackpropOptions();

    public override string Name => "guided-backprop";

    protected override bool FoldsBatchNorm => true;

    protected override Func<Layer, IRule> RulesFor(Network network) => NamedComposites.GuidedBackprop(Options.Gradients).For(network);
}
