using Microsoft.ML.Attribution.Composites;
using Microsoft.ML.Attribution.Graph;
using Microsoft.ML.Attribution.Graph.Layers;
using Microsoft.ML.Attribution.Rules;

namespace Microsoft.ML.Attribution.Methods;

/// <summary>
/// Rectified gradient (Kim et al. 2019, methods.md §5.7): the gradient of the target logit, thresholded at every ReLU
/// by the importance a·g (or |a·g| for RectGrad-Abs), times the input. Unreduced [N, C, H, W]; reduce with sum or
/// its positive part.
/// </summary>
public sealed class RectGrad : BackwardMethod
{
    private readonly Composite _composite;

    public RectGrad(Network network, RectGradOptions? options = null) : base(network)
    {
        Options = options ?? new RectGradOptions();
        if (!network.Layers.Any(l => l is Relu))
            throw new ArgumentException("RectGrad thresholds gradients at ReLUs, and this network has none.", nameof(network));
        _composite = NamedComposites.RectGrad(Options.Percentile, Options.Threshold, Options.AbsoluteImportance, Options.PaddingTrick);
    }

    public RectGradOptions Options { get; }

    public override string Name => Options.AbsoluteImportance ? "rectgrad-abs" : "rectgrad";

    protected override bool MultiplyByInput => true;

    protected override Func<Layer, IRule> RulesFor(Network network) => _composite.For(network);
}
