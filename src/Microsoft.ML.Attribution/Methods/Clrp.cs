using Microsoft.ML.Attribution.Composites;
using Microsoft.ML.Attribution.Graph;
using Microsoft.ML.Attribution.Graph.Canonizers;
using Microsoft.ML.Attribution.Rules;
using Microsoft.ML.Attribution.Tensors;
using static TorchSharp.torch;

namespace Microsoft.ML.Attribution.Methods;

/// <summary>
/// CLRP, contrastive LRP (Gu, Yang, Tresp, ACCV 2018; methods.md §3). The target class is explained with the base LRP
/// of the official code (z^B first layer, bias-free z⁺ elsewhere), and so is a "dual" concept — all other classes
/// (CLRP1) or the target with negated classifier weights (CLRP2); the map is max(0, R_t/ΣR_t − R_dual/ΣR_dual)
/// (official normalization; <see cref="ClrpOptions.NormalizeBySum"/> off gives the paper's max(0, R_t − R_dual)).
/// <para>Map [N, C, H, W]. Extras: "target" R_t, "dual" R_dual, "difference" the subtraction before max(0, ·).</para>
/// </summary>
public sealed class Clrp : BackwardMethod
{
    private readonly Composite _composite;

    public Clrp(Network network, ClrpOptions? options = null) : base(network)
    {
        Options = options ?? new ClrpOptions();
        if (Options.Dual is not (1 or 2))
            throw new ArgumentException($"CLRP's dual concept is 1 (all other classes) or 2 (negated classifier weights), not {Options.Dual}.", nameof(options));
        ReluNetworks.Require(network, "CLRP");
        _composite = ContrastiveLrp.BaseComposite("clrp", Options.Low, Options.High, Options.Stabilizer, Options.SplitTiedMaxima);
    }

    /// <summary>Registry name; the dual concept is the option dual=1|2.</summary>
    public override string Name => "clrp";

    public ClrpOptions Options { get; }

    protected override Network? Prepare(Network network) => Options.MergeBatchNorm ? MergeBatchNorm.Apply(network) : null;

    protected override Func<Layer, IRule> RulesFor(Network network) => _composite.For(network);

    /// <summary>The rules of the dual pass: the target's, except CLRP2's negated classifier.</summary>
    internal Func<Layer, IRule> DualRulesFor(Network network) =>
        Options.Dual == 1
            ? RulesFor(network)
            : _composite.WithLayerRules(new Dictionary<string, IRule>
            {
                [network.Classifier.Name] = new NegatedWeightRule(new ZPlusRule(Options.Stabilizer, includeBias: false)),
            }).For(network);

    /// <summary>
    /// The seed of the dual pass for scores [N, K]: CLRP1 puts |z_n| (official) or z_t/(K − 1) (uniform) on every class
    /// n ≠ t; CLRP2 puts z_t on t (its duality is in the negated classifier, not in the seed).
    /// </summary>
    public static Tensor DualSeed(Tensor logits, long[] targets, int dual = 1, ClrpDualSeed kind = ClrpDualSeed.Official)
    {
        ArgumentNullException.ThrowIfNull(logits);
        ContrastiveLrp.RequireClassScores(logits, "CLRP");
        using var scope = NewDisposeScope();
        Tensor index = tensor(targets).reshape(-1, 1);
        Tensor targetLogit = logits.gather(1, index);
        Tensor seed = dual switch
        {
            2 => Backpropagation.OneHot(logits, targets, targetLogit),
            1 when kind == ClrpDualSeed.Official => logits.abs().scatter(1, index, zeros_like(targetLogit)),
            1 => targetLogit.DividedBy(logits.shape[1] - 1).expand(logits.shape).contiguous().scatter(1, index, zeros_like(targetLogit)),
            _ => throw new ArgumentException($"CLRP's dual concept is 1 or 2, not {dual}.", nameof(dual)),
        };
        return seed.MoveToOuterDisposeScope();
    }

    protected override AttributionMap Compute(Tensor input, Target target, CancellationToken cancellation)
    {
        Network network = Prepared;
        using Tape tape = network.Record(input);
        tape.KeepsDerivedValues = true; // two or more propagations reuse each layer's modified forward
        ContrastiveLrp.RequireClassScores(tape.Logits, "CLRP");
        var (targets, scores) = ResolveTargets(tape.Logits, target);
        Tensor targetSeed = Backpropagation.OneHot(tape.Logits, targets, TargetLogits(tape.Logits, targets));
        Tensor dualSeed = DualSeed(tape.Logits, targets, Options.Dual, Options.DualSeed);
        Tensor relevance = ContrastiveLrp.Propagate(tape, targetSeed, RulesFor(network), cancellation);
        Tensor dualRelevance = ContrastiveLrp.Propagate(tape, dualSeed, DualRulesFor(network), cancellation);
        Tensor difference = Options.NormalizeBySum
            ? Stabilizer.SafeDivide(relevance, ContrastiveLrp.RowSums(relevance)) - Stabilizer.SafeDivide(dualRelevance, ContrastiveLrp.RowSums(dualRelevance))
            : relevance - dualRelevance;
        Tensor map = Options.ClampNegative ? difference.AtLeast(0) : difference.alias();
        var extras = new Dictionary<string, Tensor> { ["target"] = relevance, ["dual"] = dualRelevance, ["difference"] = difference };
        return new AttributionMap(Name, map, targets, scores, extras);
    }
}
