using Microsoft.ML.Attribution.Composites;
using Microsoft.ML.Attribution.Graph;
using Microsoft.ML.Attribution.Rules;

namespace Microsoft.ML.Attribution.Methods;

/// <summary>DeconvNet (Zeiler &amp; Fergus 2014): ReLUs pass the positive part of the gradient, ignoring the forward gate.</summary>
public sealed class DeconvNet(Network network) : BackwardMethod(network)
{
    public override string Name => "deconvnet";

    protected override bool FoldsBatchNorm => true;

    protected override Func<Layer, IRule> RulesFor(Network network) => NamedComposites.DeconvNet().For(network);
}
