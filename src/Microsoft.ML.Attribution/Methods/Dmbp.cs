using Microsoft.ML.Attribution.Graph;
using Microsoft.ML.Attribution.Graph.Layers;
using Microsoft.ML.Attribution.Rules;
using TorchSharp;
using Microsoft.ML.Attribution.Tensors;
using static TorchSharp.torch;

namespace Microsoft.ML.Attribution.Methods;

/// <summary>
/// DMBP, disentangled masked backpropagation (Ruiz, Agudo, Moreno-Noguer, ICCV 2021; methods.md §1). Per image, two
/// sets of per-filter masks m = sigmoid(θ) on the output channels of every convolution scale the gradient in a backward
/// pass that keeps the recorded ReLU gates and pool switches (B(x, m), §1.3). Adam optimizes θ⁺ and θ⁻ so that
/// A⁺ = x ⊙ B(x, m⁺) keeps the positive and A⁻ = x ⊙ B(x, m⁻) the negative evidence, under a pluggable objective
/// (<see cref="IDmbpObjective"/>; the default is the [RECONSTRUCTED] loss of §1.4).
/// <para>Map: A⁺. Extras: "negative" A⁻, "signed" the display map of §1.2 [N, 1, H, W], "loss" the loss of each row per
/// iteration [N, iterations] (fewer columns when every row stopped early), "iterations" the Adam steps each row took [N],
/// "nuisance" x ⊙ ∇f − A⁺ − A⁻ (a diagnostic), "adjoint_iterations" how many iterations took the adjoint mask gradients
/// (<see cref="DmbpMaskGradients"/>; a scalar). Rows are optimized independently but together:
/// both mask sets of all rows run through one backward per iteration.</para>
/// </summary>
public sealed class Dmbp : AttributionMethod
{
    private readonly string[] _maskedLayers;

    public Dmbp(Network network, DmbpOptions? options = null, IDmbpObjective? objective = null) : base(network)
    {
        Options = options ?? new DmbpOptions();
        Validate(Options);
        Objective = objective ?? new ReconstructedDmbpObjective(Options.EnergyWeight, Options.MaskWeight, Options.NormalizeByLogit);
        _maskedLayers = ResolveMaskedLayers(network, Options.MaskedLayers);
    }

    public override string Name => "dmbp";

    public DmbpOptions Options { get; }

    public IDmbpObjective Objective { get; }

    /// <summary>The layers whose output channels carry masks, in the order the objective sees them.</summary>
    public IReadOnlyList<string> MaskedLayers => _maskedLayers;

    /// <summary>
    /// B(x, m) of methods.md §1.3: the gradient of <paramref name="seed"/>·logits at the input, with the gradient at each
    /// masked layer's output scaled by its mask [N, channels]. Differentiable in the masks when grad mode is on.
    /// With every mask 1 it is the plain gradient.
    /// </summary>
    public static Tensor MaskedBackward(Tape tape, Tensor seed, IReadOnlyDictionary<string, Tensor> masks, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(tape);
        ArgumentNullException.ThrowIfNull(masks);
        foreach (string name in masks.Keys)
            if (!tape.Network.Contains(name)) throw new ArgumentException($"There is no layer '{name}' to mask.", nameof(masks));
        var rule = new ChannelMaskRule(masks);
        using BackwardResult result = Backpropagation.Run(tape, seed, _ => rule, cancellation: cancellation);
        return result.Input!.alias();
    }

    protected override AttributionMap Compute(Tensor input, Target target, CancellationToken cancellation)
    {
        long rows = input.shape[0];
        // One tape for both mappings: rows 0..N−1 carry the positive masks, rows N..2N−1 the negative ones.
        Tensor doubled = cat([input, input], 0);
        using Tape tape = Network.Record(doubled);
        Tensor logits = tape.Logits.narrow(0, 0, rows);
        var (targets, scores) = ResolveTargets(logits, target);
        Tensor seed = Backpropagation.OneHot(tape.Logits, [.. targets, .. targets]);
        Tensor targetLogits = TargetLogits(logits, targets);
        Tensor gradientTimesInput;
        using (BackwardResult plain = Backpropagation.Run(tape, seed, _ => GradientRule.Instance, cancellation: cancellation))
            gradientTimesInput = plain.Input!.narrow(0, 0, rows) * input;

        Tensor[] maskLogits = InitialMaskLogits(tape, rows);
        Tensor losses = zeros([rows, Options.Iterations], input.dtype);
        Tensor active = ones([rows], ScalarType.Bool);       // rows still optimizing (Tolerance > 0 freezes converged ones)
        Tensor performed = zeros([rows], ScalarType.Int64);  // Adam steps taken per row
        int iterations = 0, adjointIterations = 0;
        bool useAdjoint = Options.MaskGradients == DmbpMaskGradients.Adjoint;
        using (var adam = new AdamOptimizer(maskLogits, Options.LearningRate, Options.Beta1, Options.Beta2, Options.AdamEpsilon))
        using (enable_grad()) // Attribute runs under no_grad; the mask optimization needs autograd
        {
            for (int iteration = 0; iteration < Options.Iterations; iteration++)
            {
                cancellation.ThrowIfCancellationRequested();
                using DisposeScope step = NewDisposeScope();
                var context = new IterationContext(tape, seed, doubled, input, gradientTimesInput, targetLogits, rows, iteration);
                var computed = useAdjoint ? AdjointStep(context, maskLogits, cancellation) : null;
                if (computed is not null) adjointIterations++;
                else
                {
                    useAdjoint = false; // a layer without a forward tangent: autograd from here on
                    computed = AutogradStep(context, maskLogits, cancellation);
                }
                var (perRow, gradients) = computed.Value;
                using (no_grad())
                using (Tensor column = losses.select(1, iteration))
                    column.copy_(perRow.detach());
                iterations = iteration + 1;
                if (Options.Tolerance > 0 && iteration >= Options.Patience)
                {
                    using IDisposable noGrad = no_grad();
                    Tensor before = losses.select(1, iteration - Options.Patience), now = losses.select(1, iteration);
                    // Progress is measured against the first loss: relative to the current one it never settles, as the loss tends to 0.
                    Tensor scale = losses.select(1, 0).abs();
                    active.copy_(active.logical_and((before - now).gt(scale.Times(Options.Tolerance))));
                    if (!active.any().ItemAs<bool>())
                        break;
                }
                Tensor both = cat([active, active]);  // the positive and the negative masks of a row stop together
                adam.Step(gradients, Options.Tolerance > 0 ? both : null);
                performed.PlusInPlace(active.to(ScalarType.Int64));
                Progress?.Report((iteration + 1) / (double)Options.Iterations);
            }
        }
        if (iterations < Options.Iterations)
        {
            losses = losses.narrow(1, 0, iterations);
            Progress?.Report(1);
        }

        var (finalPositive, finalNegative, _) = Attributions(tape, seed, doubled, maskLogits, rows, cancellation);
        Tensor map = finalPositive.contiguous();
        Tensor negativeMap = finalNegative.contiguous();
        var extras = new Dictionary<string, Tensor>
        {
            ["negative"] = negativeMap,
            ["signed"] = DisplayMap(map, negativeMap, Options.DisplayClipPercentile),
            ["loss"] = losses,
            ["iterations"] = performed,
            ["adjoint_iterations"] = tensor((double)adjointIterations, ScalarType.Float32),
            ["nuisance"] = gradientTimesInput - map - negativeMap,
        };
        return new AttributionMap(Name, map, targets, scores, extras);
    }

    /// <summary>
    /// The signed display map of methods.md §1.2 (official visualization): channel mean of each mapping, the negative
    /// one negated into a magnitude, each clipped at a percentile of its |values| and shifted to a minimum of 0, both
    /// divided by the larger of their maxima; positive − negative, in [−1, 1], shape [N, 1, H, W].
    /// </summary>
    public static Tensor DisplayMap(Tensor positive, Tensor negative, double clipPercentile = 99.95)
    {
        using var scope = NewDisposeScope();
        Tensor p = ClipAndShift(positive.mean([1], keepdim: true), clipPercentile);
        Tensor n = ClipAndShift(negative.mean([1], keepdim: true).neg(), clipPercentile);
        long[] perRow = [1, 2, 3];
        Tensor scale = p.amax(perRow, keepdim: true).maximum(n.amax(perRow, keepdim: true));
        return Stabilizer.SafeDivide(p - n, scale).MoveToOuterDisposeScope();
    }

    private static Tensor ClipAndShift(Tensor map, double percentile)
    {
        Tensor level = tensor(percentile / 100, map.dtype, map.device);
        Tensor bound = map.flatten(1).abs().quantile(level, 1, keepdim: true).reshape(-1, 1, 1, 1);
        Tensor clipped = map.clamp(bound.neg(), bound);
        return clipped - clipped.amin([1, 2, 3], keepdim: true);
    }

    /// <summary>What one iteration's loss needs besides the masks.</summary>
    private sealed record IterationContext(Tape Tape, Tensor Seed, Tensor Doubled, Tensor Input, Tensor GradientTimesInput, Tensor TargetLogits,
        long Rows, int Iteration);

    private Tensor Loss(IterationContext c, Tensor positive, Tensor negative, Tensor[] masks)
    {
        Tensor perRow = Objective.Loss(new DmbpObjectiveInput
        {
            Input = c.Input,
            Positive = positive,
            Negative = negative,
            GradientTimesInput = c.GradientTimesInput,
            TargetLogits = c.TargetLogits,
            PositiveMasks = masks.Select(m => m.narrow(0, 0, c.Rows)).ToArray(),
            NegativeMasks = masks.Select(m => m.narrow(0, c.Rows, c.Rows)).ToArray(),
            MaskedLayers = _maskedLayers,
            Iteration = c.Iteration,
            Iterations = Options.Iterations,
        });
        if (!perRow.shape.SequenceEqual([c.Rows]))
            throw new InvalidOperationException($"The DMBP objective '{Objective.Name}' must return one loss per row [{c.Rows}], got {perRow.Describe()}.");
        return perRow;
    }

    /// <summary>The loss per row and dLoss/dθ through autograd over the differentiable masked backward.</summary>
    private (Tensor Loss, Tensor?[] Gradients) AutogradStep(IterationContext c, Tensor[] maskLogits, CancellationToken cancellation)
    {
        var (positive, negative, masks) = Attributions(c.Tape, c.Seed, c.Doubled, maskLogits, c.Rows, cancellation);
        Tensor perRow = Loss(c, positive, negative, masks);
        Tensor[] gradients = SafeAutograd.Grad([perRow.sum()], maskLogits, allowUnused: true);
        return (perRow.detach(), gradients);
    }

    /// <summary>
    /// The same loss and gradients without differentiating the backward (<see cref="DmbpMaskGradients.Adjoint"/>): B(x, m) once
    /// with the unmasked gradients kept, autograd only through the objective (dL/dA, dL/dm), then the forward tangent of
    /// x ⊙ dL/dA. Null when a layer below the last mask has no forward tangent.
    /// </summary>
    private (Tensor Loss, Tensor?[] Gradients)? AdjointStep(IterationContext c, Tensor[] maskLogits, CancellationToken cancellation)
    {
        Tensor[] masks = maskLogits.Select(t => t.detach().sigmoid()).ToArray();
        Dictionary<string, Tensor> byLayer = ByLayer(masks);
        var unmasked = new Dictionary<string, Tensor>();
        try
        {
            Tensor attribution;
            using (no_grad())
            using (BackwardResult result = Backpropagation.Run(c.Tape, c.Seed, _ => new ChannelMaskRule(byLayer, unmasked), cancellation: cancellation))
                attribution = result.Input! * c.Doubled;
            attribution.requires_grad_();
            Tensor[] maskLeaves = masks.Select(m => m.requires_grad_()).ToArray();
            Tensor perRow = Loss(c, attribution.narrow(0, 0, c.Rows), attribution.narrow(0, c.Rows, c.Rows), maskLeaves);
            Tensor[] direct = SafeAutograd.Grad([perRow.sum()], [attribution, .. maskLeaves], allowUnused: true);
            using IDisposable noGrad = no_grad();
            Tensor inputTangent = direct[0] * c.Doubled;
            Tensor[]? chained = MaskTangentGradients.Compute(Network, c.Tape, _maskedLayers, inputTangent, masks, unmasked);
            if (chained is null) return null;
            var gradients = new Tensor?[masks.Length];
            for (int l = 0; l < masks.Length; l++)
            {
                Tensor total = chained[l].Plus(direct[1 + l]); // a mask the objective does not read directly has zeros here
                gradients[l] = total * masks[l].detach() * masks[l].detach().SubtractedFrom(1L); // dσ(θ)/dθ = σ(1 − σ)
            }
            return (perRow.detach(), gradients);
        }
        finally
        {
            foreach (Tensor t in unmasked.Values) t.Dispose();
        }
    }

    private (Tensor positive, Tensor negative, Tensor[] masks) Attributions(Tape tape, Tensor seed, Tensor doubled, Tensor[] maskLogits,
        long rows, CancellationToken cancellation)
    {
        Tensor[] masks = maskLogits.Select(t => t.sigmoid()).ToArray();
        Dictionary<string, Tensor> byLayer = ByLayer(masks);
        Tensor attribution = MaskedBackward(tape, seed, byLayer, cancellation) * doubled;
        return (attribution.narrow(0, 0, rows), attribution.narrow(0, rows, rows), masks);
    }

    /// <summary>Masked layer name → its mask, as <see cref="ChannelMaskRule"/> takes them.</summary>
    private Dictionary<string, Tensor> ByLayer(Tensor[] masks) =>
        Enumerable.Range(0, masks.Length).ToDictionary(l => _maskedLayers[l], l => masks[l]);

    /// <summary>θ for every masked layer, [2N, channels]: the initial logit plus optional seeded noise.</summary>
    private Tensor[] InitialMaskLogits(Tape tape, long rows)
    {
        using var generator = RandomGenerators.FromSeed(Options.Seed);
        var result = new Tensor[_maskedLayers.Length];
        for (int l = 0; l < result.Length; l++)
        {
            Tensor output = tape.Value(Network[_maskedLayers[l]].Output);
            Tensor theta = HeldScalars.Filled([2 * rows, output.shape[1]], Options.InitialLogit, output.dtype, output.device);
            if (Options.InitialNoise > 0)
            {
                using Tensor noise = randn(theta.shape, theta.dtype, generator: generator);
                theta.PlusScaledInPlace(noise, Options.InitialNoise);
            }
            result[l] = theta.requires_grad_();
        }
        return result;
    }

    private static string[] ResolveMaskedLayers(Network network, IReadOnlyList<string>? names)
    {
        if (names is null)
        {
            string[] convolutions = network.Layers.Where(l => l is Conv2d).Select(l => l.Name).ToArray();
            if (convolutions.Length == 0)
                throw new ArgumentException("DMBP masks the output channels of convolutions, and this network has none.", nameof(network));
            return convolutions;
        }
        if (names.Count == 0) throw new ArgumentException("DMBP needs at least one layer to mask.", nameof(names));
        foreach (string name in names)
        {
            if (!network.Contains(name)) throw new ArgumentException($"There is no layer '{name}' to mask.", nameof(names));
            if (network[name].OutputShape.Length < 1)
                throw new ArgumentException($"Layer '{name}' has no channel dimension to mask.", nameof(names));
        }
        return names.Distinct().ToArray();
    }

    private static void Validate(DmbpOptions o)
    {
        if (o.Iterations < 0) throw new ArgumentOutOfRangeException(nameof(o.Iterations), o.Iterations, "Iterations must be non-negative.");
        if (!(o.Tolerance >= 0)) throw new ArgumentOutOfRangeException(nameof(o.Tolerance), o.Tolerance, "The early-stop tolerance must be non-negative (0 = off).");
        if (o.Patience < 1) throw new ArgumentOutOfRangeException(nameof(o.Patience), o.Patience, "The early-stop patience must be at least 1 iteration.");
        if (!(o.LearningRate > 0)) throw new ArgumentOutOfRangeException(nameof(o.LearningRate), o.LearningRate, "The learning rate must be positive.");
        if (!(o.Beta1 is >= 0 and < 1)) throw new ArgumentOutOfRangeException(nameof(o.Beta1), o.Beta1, "β1 must be in [0, 1).");
        if (!(o.Beta2 is >= 0 and < 1)) throw new ArgumentOutOfRangeException(nameof(o.Beta2), o.Beta2, "β2 must be in [0, 1).");
        if (!(o.AdamEpsilon > 0)) throw new ArgumentOutOfRangeException(nameof(o.AdamEpsilon), o.AdamEpsilon, "Adam's ε must be positive.");
        if (!(o.InitialNoise >= 0)) throw new ArgumentOutOfRangeException(nameof(o.InitialNoise), o.InitialNoise, "The initial noise must be non-negative.");
        if (!double.IsFinite(o.InitialLogit)) throw new ArgumentOutOfRangeException(nameof(o.InitialLogit), o.InitialLogit, "The initial logit must be finite.");
        if (!(o.DisplayClipPercentile is > 0 and <= 100))
            throw new ArgumentOutOfRangeException(nameof(o.DisplayClipPercentile), o.DisplayClipPercentile, "The clip percentile must be in (0, 100].");
    }
}
