using Microsoft.ML.Attribution.Composites;
using Microsoft.ML.Attribution.Graph;
using Microsoft.ML.Attribution.Graph.Canonizers;
using Microsoft.ML.Attribution.Rules;

namespace Microsoft.ML.Attribution.Methods;

/// <summary>
/// Layer-wise relevance propagation with a composite (Bach et al. 2015; Montavon et al. 2019): the relevance of the
/// target is redistributed layer by layer with the composite's rule for each layer. The map is the input relevance.
/// </summary>
public sealed class Lrp : BackwardMethod
{
    private readonly Composite _composite;

    public Lrp(Network network, LrpOptions? options = null, Composite? composite = null) : base(network)
    {
        Options = options ?? new LrpOptions();
        if (!(Options.Epsilon >= 0 && double.IsFinite(Options.Epsilon)))
            throw new ArgumentOutOfRangeException(nameof(options), Options.Epsilon, "Epsilon (the stabilizer) must be a non-negative number.");
        if (!double.IsFinite(Options.Gamma) || Options.Gamma < 0)
            throw new ArgumentOutOfRangeException(nameof(options), Options.Gamma, "Gamma must be a non-negative number.");
        _composite = composite ?? NamedComposites.Create(Options.Composite, Options.Epsilon, Options.Low, Options.High, Options.Gamma);
    }

    public LrpOptions Options { get; }

    public Composite Composite => _composite;

    public override string Name => $"lrp-{_composite.Name}";

    protected override SeedKind Seed => Options.Seed;

    protected override Network? Prepare(Network network) => Options.MergeBatchNorm ? MergeBatchNorm.Apply(network) : null;

    protected override Func<Layer, IRule> RulesFor(Network network) => _composite.For(network);
}
