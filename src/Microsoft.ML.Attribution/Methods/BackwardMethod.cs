using Microsoft.ML.Attribution.Graph;
using Microsoft.ML.Attribution.Graph.Canonizers;
using Microsoft.ML.Attribution.Rules;
using Microsoft.ML.Attribution.Tensors;
using static TorchSharp.torch;

namespace Microsoft.ML.Attribution.Methods;

/// <summary>
/// Methods that are one recorded forward and one backward pass with a rule per layer (Gradient, Guided BP, DeconvNet,
/// the LRP composites, Excitation BP): they differ only in their rules, their seed and whether the result is ×input.
/// </summary>
public abstract class BackwardMethod : AttributionMethod
{
    private Network? _prepared;

    protected BackwardMethod(Network network) : base(network) { }

    protected virtual SeedKind Seed => SeedKind.One;

    protected virtual bool MultiplyByInput => false;

    /// <summary>The rule for each layer of the (prepared) network.</summary>
    protected abstract Func<Layer, IRule> RulesFor(Network network);

    /// <summary>
    /// Whether the method's input map is unchanged by folding inference BatchNorms into the convolutions before them (true for
    /// the pure gradient methods: the fold is exact algebra, and it saves a pass over each BN's output both ways).
    /// </summary>
    protected virtual bool FoldsBatchNorm => false;

    /// <summary>
    /// Whether every rule is the plain gradient, so the forward can be recorded for gradients only (ReLUs in place:
    /// <see cref="Network.RecordForGradients"/>).
    /// </summary>
    protected virtual bool GradientRulesOnly => false;

    private Tape Record(Tensor input) => GradientRulesOnly ? Prepared.RecordForGradients(input) : Prepared.Record(input);

    /// <summary>A canonized copy of the network to run on (e.g. BN merged for LRP); by default the BN-folded network when <see cref="FoldsBatchNorm"/>, else the network itself.</summary>
    protected virtual Network? Prepare(Network network) => FoldsBatchNorm && MergeBatchNorm.HasMergeable(network) ? MergeBatchNorm.Apply(network) : null;

    protected Network Prepared => _prepared ??= Prepare(Network) ?? Network;

    public override void Dispose()
    {
        if (_prepared != null && !ReferenceEquals(_prepared, Network)) _prepared.Dispose();
        _prepared = null;
        base.Dispose();
    }

    protected override AttributionMap Compute(Tensor input, Target target, CancellationToken cancellation)
    {
        using Tape tape = Record(input);
        var (targets, scores) = ResolveTargets(tape.Logits, target);
        return new AttributionMap(Name, FromTape(tape, input, targets, cancellation), targets, scores);
    }

    /// <summary>The map for given per-row targets (used by wrappers that batch many inputs, e.g. SmoothGrad, IG).</summary>
    internal Tensor MapFor(Tensor input, long[] targets, CancellationToken cancellation = default)
    {
        using Tape tape = Record(input);
        return FromTape(tape, input, targets, cancellation);
    }

    /// <summary>The map and the pre-softmax scores of the same forward (IG's adaptive refinement needs both at each path point).</summary>
    internal (Tensor map, Tensor logits) MapAndLogitsFor(Tensor input, long[] targets, CancellationToken cancellation = default)
    {
        using Tape tape = Record(input);
        return (FromTape(tape, input, targets, cancellation), tape.Logits.alias());
    }

    private Tensor FromTape(Tape tape, Tensor input, long[] targets, CancellationToken cancellation)
    {
        using Tensor? values = Seed == SeedKind.Logit ? TargetLogits(tape.Logits, targets) : null;
        using Tensor seed = Backpropagation.OneHot(tape.Logits, targets, values);
        using BackwardResult result = Backpropagation.Run(tape, seed, RulesFor(Prepared), cancellation: cancellation);
        return MultiplyByInput ? result.Input! * input : result.Input!.alias();
    }
}
