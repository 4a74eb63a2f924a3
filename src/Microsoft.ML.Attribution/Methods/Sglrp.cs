using Microsoft.ML.Attribution.Composites;
using Microsoft.ML.Attribution.Graph;
using Microsoft.ML.Attribution.Graph.Canonizers;
using Microsoft.ML.Attribution.Rules;
using Microsoft.ML.Attribution.Tensors;
using static TorchSharp.torch;

namespace Microsoft.ML.Attribution.Methods;

/// <summary>
/// SGLRP, softmax-gradient LRP (Iwana, Kuroki, Uchida, ICCVW 2019; methods.md §3.6). The seeds are the gradient of the
/// target's softmax probability ŷ_t with respect to the logits, split as in the official code: a target pass from
/// ŷ_t(1 − ŷ_t) + ε at t and a dual pass from ŷ_tŷ_n at every n ≠ t, both with the contrastive base LRP (z^B first layer,
/// bias-free z⁺ elsewhere); the map is R_target − R_dual·(ΣR_target/ΣR_dual) (optionally max(0, ·)).
/// <para>Map [N, C, H, W], signed by default. Extras: "target", "dual".</para>
/// </summary>
public sealed class Sglrp : BackwardMethod
{
    private readonly Composite _composite;

    public Sglrp(Network network, SglrpOptions? options = null) : base(network)
    {
        Options = options ?? new SglrpOptions();
        if (!(Options.TargetEpsilon >= 0)) throw new ArgumentOutOfRangeException(nameof(options), Options.TargetEpsilon, "The target seed's ε must be non-negative.");
        ReluNetworks.Require(network, "SGLRP");
        _composite = ContrastiveLrp.BaseComposite("sglrp", Options.Low, Options.High, Options.Stabilizer, Options.SplitTiedMaxima);
    }

    public override string Name => "sglrp";

    public SglrpOptions Options { get; }

    protected override Network? Prepare(Network network) => Options.MergeBatchNorm ? MergeBatchNorm.Apply(network) : null;

    protected override Func<Layer, IRule> RulesFor(Network network) => _composite.For(network);

    /// <summary>
    /// The two seeds for scores [N, K]: target ŷ_t(1 − ŷ_t) + <paramref name="epsilon"/> at t, and dual ŷ_tŷ_n at n ≠ t
    /// (magnitudes of ∂ŷ_t/∂z_n). Without ε their totals agree: ŷ_t(1 − ŷ_t) = Σ_{n≠t} ŷ_tŷ_n.
    /// </summary>
    public static (Tensor target, Tensor dual) Seeds(Tensor logits, long[] targets, double epsilon = 1e-8)
    {
        ArgumentNullException.ThrowIfNull(logits);
        ContrastiveLrp.RequireClassScores(logits, "SGLRP");
        using var scope = NewDisposeScope();
        Tensor index = tensor(targets).reshape(-1, 1);
        Tensor probabilities = logits.softmax(1);
        Tensor pt = probabilities.gather(1, index);
        Tensor target = Backpropagation.OneHot(logits, targets, (pt * pt.SubtractedFrom(1.0)).Plus(epsilon));
        Tensor dual = (probabilities * pt).scatter(1, index, zeros_like(pt));
        return (target.MoveToOuterDisposeScope(), dual.MoveToOuterDisposeScope());
    }

    protected override AttributionMap Compute(Tensor input, Target target, CancellationToken cancellation)
    {
        Network network = Prepared;
        using Tape tape = network.Record(input);
        tape.KeepsDerivedValues = true; // two or more propagations reuse each layer's modified forward
        ContrastiveLrp.RequireClassScores(tape.Logits, "SGLRP");
        var (targets, scores) = ResolveTargets(tape.Logits, target);
        var (targetSeed, dualSeed) = Seeds(tape.Logits, targets, Options.TargetEpsilon);
        Func<Layer, IRule> rules = RulesFor(network);
        Tensor relevance = ContrastiveLrp.Propagate(tape, targetSeed, rules, cancellation);
        Tensor dualRelevance = ContrastiveLrp.Propagate(tape, dualSeed, rules, cancellation);
        Tensor scale = Options.Scaling ? Stabilizer.SafeDivide(ContrastiveLrp.RowSums(relevance), ContrastiveLrp.RowSums(dualRelevance)) : ones([1], input.dtype);
        Tensor difference = relevance - dualRelevance * scale;
        Tensor map = Options.ClampNegative ? difference.AtLeast(0) : difference;
        return new AttributionMap(Name, map, targets, scores, new Dictionary<string, Tensor> { ["target"] = relevance, ["dual"] = dualRelevance });
    }
}
