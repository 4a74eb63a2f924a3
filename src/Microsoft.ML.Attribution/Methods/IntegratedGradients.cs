using System.Runtime.InteropServices;
using Microsoft.ML.Attribution.Graph;
using TorchSharp;
using Microsoft.ML.Attribution.Tensors;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Microsoft.ML.Attribution.Methods;

/// <summary>
/// Integrated Gradients (Sundararajan et al. 2017): (x − x') ⊙ ∫₀¹ ∇f_t(x' + α(x − x')) dα by quadrature, with all path
/// points of all rows batched under the memory budget. Extras: "delta" = Σ IG − (f(x) − f(x')) per row (completeness
/// error), "relative_delta", and "steps" (the steps used, which grow when a completeness target is set; with adaptive
/// refinement the most panels any row used, "steps_per_row", and "panel_error": Σ |per-panel error| / |f(x) − f(x')|, an
/// upper bound of the completeness error and the stopping rule with StrictCompleteness).
/// </summary>
public sealed class IntegratedGradients : AttributionMethod
{
    private readonly Gradient _gradient;

    public IntegratedGradients(Network network, IntegratedGradientsOptions? options = null) : base(network)
    {
        Options = options ?? new IntegratedGradientsOptions();
        if (Options.Steps < 1) throw new ArgumentOutOfRangeException(nameof(options), Options.Steps, "Steps must be at least 1.");
        if (Options.TargetCompleteness is { } goal && !(goal > 0 && double.IsFinite(goal)))
            throw new ArgumentOutOfRangeException(nameof(options), goal, "The completeness target is a relative error and must be a positive number (e.g. 0.01).");
        if (Options.MaxSteps < 1) throw new ArgumentOutOfRangeException(nameof(options), Options.MaxSteps, "MaxSteps must be at least 1.");
        if (!(Options.BlurSigma > 0 && double.IsFinite(Options.BlurSigma)))
            throw new ArgumentOutOfRangeException(nameof(options), Options.BlurSigma, "BlurSigma (the blur baseline's Gaussian σ in pixels) must be a positive number.");
        if (Options.TargetCompleteness is not null && Options.MaxSteps < Options.Steps)
            throw new ArgumentOutOfRangeException(nameof(options), Options.MaxSteps, $"MaxSteps ({Options.MaxSteps}) must be at least Steps ({Options.Steps}), where refinement starts.");
        if (Options.Baseline == BaselineKind.Custom && Options.CustomBaseline is null)
            throw new ArgumentException("BaselineKind.Custom needs CustomBaseline.", nameof(options));
        _gradient = new Gradient(network);
    }

    public IntegratedGradientsOptions Options { get; }

    protected override bool ExplainsOpaqueModules => true;

    public override string Name => "integrated-gradients";

    protected override AttributionMap Compute(Tensor input, Target target, CancellationToken cancellation)
    {
        Tensor baseline = Baseline(input);
        Tensor logits = Network.ForwardLogits(input);
        var (targets, scores) = ResolveTargets(logits, target);
        Tensor difference = TargetLogits(logits, targets) - TargetLogits(Network.ForwardLogits(baseline), targets);

        if (Options.TargetCompleteness is { } tolerance && Options.Refinement == IntegratedGradientsRefinement.Adaptive)
            return Adaptive(input, baseline, difference, targets, scores, tolerance, cancellation);

        int steps = Options.Steps;
        while (true)
        {
            Tensor attribution = Integrate(input, baseline, targets, steps, cancellation);
            var (delta, relative) = Completeness(attribution, difference);
            bool done = Options.TargetCompleteness is not { } goal || relative.max().ItemAs<double>() <= goal || steps * 2 > Options.MaxSteps;
            if (done)
            {
                var extras = new Dictionary<string, Tensor> { ["delta"] = delta, ["relative_delta"] = relative, ["steps"] = tensor((double)steps, ScalarType.Float32) };
                return new AttributionMap(Name, attribution, targets, scores, extras);
            }
            steps *= 2;
        }
    }

    private AttributionMap Adaptive(Tensor input, Tensor baseline, Tensor difference, long[] targets, double[] scores, double tolerance,
        CancellationToken cancellation)
    {
        Tensor path = input - baseline;
        (Tensor, double[]) Evaluate(long[] rows, double[] alphas)
        {
            Tensor points = PathPoints(baseline, path, tensor(rows), alphas);
            long[] pointTargets = rows.Select(r => targets[r]).ToArray();
            var (gradients, logits) = _gradient.MapAndLogitsFor(points, pointTargets, cancellation);
            using (logits)
                return (gradients, TargetLogits(logits, pointTargets).to(ScalarType.Float64).ToArray<double>());
        }
        long chunk = Math.Max(1, SubBatchRows(Options.MemoryBudgetMb, input.dtype));
        // Every point's gradient is kept (a bisection re-weights its neighbours), so the budget also caps the points per row.
        long pointBytes = input.numel() / input.shape[0] * input.element_size();
        long keepable = Options.MemoryBudgetMb * 1024 * 1024 / Math.Max(1, pointBytes * input.shape[0]);
        int maxPanels = (int)Math.Clamp(keepable - 1, Options.Steps, Options.MaxSteps);
        var integral = new AdaptivePathIntegral(Evaluate, chunk, Progress);
        double[] rises = difference.to(ScalarType.Float64).ToArray<double>();
        var (attribution, panels, panelErrors) = integral.Integrate(path, rises, tolerance, Options.Steps, maxPanels, Options.StrictCompleteness, cancellation);
        var (delta, relative) = Completeness(attribution, difference);
        var extras = new Dictionary<string, Tensor>
        {
            ["delta"] = delta,
            ["relative_delta"] = relative,
            ["steps"] = tensor((double)panels.Max(), ScalarType.Float32),
            ["steps_per_row"] = tensor(panels.Select(p => (double)p).ToArray()),
            ["panel_error"] = tensor(panelErrors),
        };
        return new AttributionMap(Name, attribution, targets, scores, extras);
    }

    /// <summary>Σ IG − (f(x) − f(x')) per row, and its size relative to |f(x) − f(x')|.</summary>
    private static (Tensor delta, Tensor relative) Completeness(Tensor attribution, Tensor difference)
    {
        Tensor delta = attribution.sum(Enumerable.Range(1, (int)attribution.Dimensions - 1).Select(d => (long)d).ToArray()) - difference;
        return (delta, delta.abs() / difference.abs().AtLeast(1e-12));
    }

    /// <summary>x'[r] + α·(x − x')[r] for each (row r, α) pair.</summary>
    private static Tensor PathPoints(Tensor baseline, Tensor path, Tensor rows, double[] alphas) =>
        baseline.index_select(0, rows).Plus(path.index_select(0, rows) * tensor(alphas, PerRow(baseline, alphas.Length), baseline.dtype));

    /// <summary>The shape [count, 1, …, 1] that broadcasts one value per row over a tensor shaped like <paramref name="like"/>.</summary>
    private static long[] PerRow(Tensor like, long count) => [count, .. Enumerable.Repeat(1L, (int)like.Dimensions - 1)];

    /// <summary>(x − x') ⊙ Σ_k w_k ∇f(x' + α_k(x − x')), the points of every row evaluated in memory-bounded sub-batches.</summary>
    private Tensor Integrate(Tensor input, Tensor baseline, long[] targets, int steps, CancellationToken cancellation)
    {
        var (alphas, weights) = QuadratureRule.Create(Options.Quadrature, steps);
        long rows = input.shape[0];
        long chunk = Math.Max(1, SubBatchRows(Options.MemoryBudgetMb, input.dtype));
        Tensor path = input - baseline;
        Tensor sum = zeros_like(input);
        // Flatten (row, step) pairs so one sub-batch can mix rows and steps.
        long total = rows * steps;
        for (long start = 0; start < total; start += chunk)
        {
            cancellation.ThrowIfCancellationRequested();
            using var scope = NewDisposeScope();
            long count = Math.Min(chunk, total - start);
            long[] rowOf = Enumerable.Range(0, (int)count).Select(i => (start + i) / steps).ToArray();
            double[] alpha = Enumerable.Range(0, (int)count).Select(i => alphas[(start + i) % steps]).ToArray();
            double[] weight = Enumerable.Range(0, (int)count).Select(i => weights[(start + i) % steps]).ToArray();
            Tensor index = tensor(rowOf);
            Tensor points = PathPoints(baseline, path, index, alpha);
            Tensor grads = _gradient.MapFor(points, rowOf.Select(r => targets[r]).ToArray(), cancellation);
            Tensor weighted = grads * tensor(weight, PerRow(input, count), input.dtype);
            sum.IndexAddInPlace(0, index, weighted);
            Progress?.Report((double)(start + count) / total);
        }
        return sum * path;
    }

    private Tensor Baseline(Tensor input)
    {
        switch (Options.Baseline)
        {
            case BaselineKind.Zero:
                return zeros_like(input);
            case BaselineKind.Custom:
                {
                    Tensor custom = Options.CustomBaseline!.to(input.dtype);
                    if (custom.Dimensions == input.Dimensions - 1) custom = custom.unsqueeze(0);
                    try
                    {
                        return custom.expand(input.shape).contiguous();
                    }
                    catch (ExternalException e)
                    {
                        throw new ArgumentException($"The custom baseline {custom.Describe()} does not fit the input {input.Describe()}.", e);
                    }
                }
            case BaselineKind.Blur:
                return GaussianBlur(input, Options.BlurSigma);
            default:
                throw new ArgumentOutOfRangeException(nameof(Options.Baseline));
        }
    }

    /// <summary>Separable Gaussian blur per channel (kernel radius ⌈3σ⌉, replicate padding).</summary>
    internal static Tensor GaussianBlur(Tensor input, double sigma)
    {
        if (!(sigma > 0)) return input.clone();
        int radius = Math.Max(1, (int)Math.Ceiling(3 * sigma));
        double[] kernel = Enumerable.Range(-radius, 2 * radius + 1).Select(i => Math.Exp(-i * i / (2 * sigma * sigma))).ToArray();
        double total = kernel.Sum();
        kernel = kernel.Select(k => k / total).ToArray();
        long channels = input.shape[1];
        Tensor horizontal = tensor(kernel, [1, 1, 1, kernel.Length], input.dtype).expand(channels, 1, 1, kernel.Length).contiguous();
        Tensor vertical = tensor(kernel, [1, 1, kernel.Length, 1], input.dtype).expand(channels, 1, kernel.Length, 1).contiguous();
        Tensor padded = F.pad(input, [radius, radius, radius, radius], PaddingModes.Replicate);
        Tensor blurred = F.conv2d(F.conv2d(padded, horizontal, groups: channels), vertical, groups: channels);
        return blurred;
    }

    public override void Dispose()
    {
        _gradient.Dispose();
        base.Dispose();
    }
}
