using Microsoft.ML.Attribution.Graph;
using Microsoft.ML.Attribution.Graph.Layers;
using Microsoft.ML.Attribution.Methods;
using Microsoft.ML.Attribution.Rules;

namespace Microsoft.ML.Attribution.Composites;

/// <summary>
/// The composites by name. LRP ones share Zennit's base map: activations pass, average pools and residual sums use
/// the z-rule (Norm), batch norm passes (merge it first), max pools route to the winner; then the rules per kind.
/// </summary>
public static class NamedComposites
{
    public const double DefaultEpsilon = 1e-6;

    public static IReadOnlyList<string> Names { get; } =
        ["epsilon", "epsilon-plus", "epsilon-plus-flat", "epsilon-alpha2-beta1", "epsilon-alpha2-beta1-flat", "epsilon-gamma-box",
         "z-plus", "alpha1-beta0", "alpha2-beta1", "guided-backprop", "deconvnet", "excitation-backprop", "rectgrad", "rectgrad-abs", "gradient"];

    private static List<(Func<Layer, bool>, IRule)> Base(double stabilizer) =>
    [
        (Composite.IsActivation, PassRule.Instance),
        (Composite.IsNormLayer, new NormRule(stabilizer)),
        (Composite.Is<BatchNorm>(), PassRule.Instance),
    ];

    private static Composite Lrp(string name, IRule conv, IRule dense, IRule? first = null, double stabilizer = DefaultEpsilon) =>
        new(name, [.. Base(stabilizer), (Composite.Is<Conv2d>(), conv), (Composite.Is<Linear>(), dense)], first);

    /// <summary>ε on every affine layer; the same ε stabilizes the z-rule layers (ε → 0 gives LRP-0 = gradient ⊙ input).</summary>
    public static Composite Epsilon(double epsilon = DefaultEpsilon) =>
        Lrp("epsilon", new EpsilonRule(epsilon), new EpsilonRule(epsilon), stabilizer: epsilon);

    public static Composite EpsilonPlus(double epsilon = DefaultEpsilon) => Lrp("epsilon-plus", new ZPlusRule(), new EpsilonRule(epsilon));

    public static Composite EpsilonPlusFlat(double epsilon = DefaultEpsilon) =>
        Lrp("epsilon-plus-flat", new ZPlusRule(), new EpsilonRule(epsilon), new FlatRule());

    public static Composite EpsilonAlpha2Beta1(double epsilon = DefaultEpsilon) =>
        Lrp("epsilon-alpha2-beta1", new AlphaBetaRule(2, 1), new EpsilonRule(epsilon));

    public static Composite EpsilonAlpha2Beta1Flat(double epsilon = DefaultEpsilon) =>
        Lrp("epsilon-alpha2-beta1-flat", new AlphaBetaRule(2, 1), new EpsilonRule(epsilon), new FlatRule());

    /// <summary>
    /// z^B on the first layer over [low, high] (per channel or one value; null = the batch's per-channel range),
    /// γ on other convolutions, ε on dense layers.
    /// </summary>
    public static Composite EpsilonGammaBox(double[]? low, double[]? high, double gamma = 0.25, double epsilon = DefaultEpsilon) =>
        Lrp("epsilon-gamma-box", new GammaRule(gamma), new EpsilonRule(epsilon), new ZBoxRule(low, high));

    /// <summary>z⁺ everywhere affine (α1β0).</summary>
    public static Composite ZPlus(bool includeBias = true, double stabilizer = DefaultEpsilon) =>
        Lrp("z-plus", new ZPlusRule(stabilizer, includeBias), new ZPlusRule(stabilizer, includeBias), stabilizer: stabilizer);

    public static Composite AlphaBeta(double alpha, double beta) =>
        Lrp($"alpha{alpha:G}-beta{beta:G}", new AlphaBetaRule(alpha, beta), new AlphaBetaRule(alpha, beta));

    /// <summary>Guided backpropagation; <paramref name="gradients"/> is φ at the ReLUs (Positive = the published rule).</summary>
    public static Composite GuidedBackprop(GradientHandling gradients = GradientHandling.Positive) =>
        new("guided-backprop", [(Composite.IsActivation, new GuidedReluRule(gradients))]);

    public static Composite DeconvNet() => new("deconvnet", [(Composite.IsActivation, DeconvReluRule.Instance)]);

    public static Composite Gradient() => new("gradient", []);

    /// <summary>
    /// Excitation backprop (marginal winning probability, methods.md §5.9 / TorchRay): convolutions and dense layers use
    /// W⁺ without bias on their input as it is, average pools redistribute in proportion to their inputs (both with
    /// TorchRay's additive 1e-20), residual sums split in proportion to the branches; ReLU and max pool keep their
    /// ordinary backward and batch norm is the identity.
    /// </summary>
    public static Composite ExcitationBackprop() =>
        new("excitation-backprop",
        [
            (Composite.Is<BatchNorm>(), PassRule.Instance),
            // ReLUs keep their gate (their own backward, on the recorded output).
            (Composite.Is<Relu>(), GradientRule.Instance),
            (l => l is Conv2d or Linear or AvgPool2d or AdaptiveAvgPool2d, ExcitationRule.Instance),
            (Composite.Is<Arithmetic>(), new NormRule(ExcitationRule.Stabilizer)),
        ]);

    /// <summary>
    /// RectGrad (methods.md §5.7): every ReLU passes only gradients whose importance a·g exceeds the per-sample
    /// percentile (or a constant τ); with the padding trick, zero-padded convolutions drop the gradient on their
    /// output border first. Everything else is the plain gradient, convolutions' with libtorch's exact transposes.
    /// </summary>
    public static Composite RectGrad(double percentile = 98, double? threshold = null, bool absolute = false, bool paddingTrick = true)
    {
        var relu = new RectGradReluRule(percentile, threshold, absolute);
        List<(Func<Layer, bool>, IRule)> map = [(Composite.Is<Relu>(), relu)];
        // Every convolution's transpose is exact (see RectGradPaddingRule); with the trick, padded ones zero their border.
        map.Add((Composite.Is<Conv2d>(), paddingTrick ? RectGradPaddingRule.Instance : RectGradPaddingRule.PlainGradient));
        return new(absolute ? "rectgrad-abs" : "rectgrad", map);
    }

    /// <summary>By name (see <see cref="Names"/>); low/high are needed for epsilon-gamma-box.</summary>
    public static Composite Create(string name, double epsilon = DefaultEpsilon, double[]? low = null, double[]? high = null, double gamma = 0.25) => name switch
    {
        "epsilon" => Epsilon(epsilon),
        "epsilon-plus" => EpsilonPlus(epsilon),
        "epsilon-plus-flat" => EpsilonPlusFlat(epsilon),
        "epsilon-alpha2-beta1" => EpsilonAlpha2Beta1(epsilon),
        "epsilon-alpha2-beta1-flat" => EpsilonAlpha2Beta1Flat(epsilon),
        "epsilon-gamma-box" => EpsilonGammaBox(low, high, gamma, epsilon),
        "z-plus" or "alpha1-beta0" => ZPlus(),
        "alpha2-beta1" => AlphaBeta(2, 1),
        "guided-backprop" => GuidedBackprop(),
        "deconvnet" => DeconvNet(),
        "excitation-backprop" => ExcitationBackprop(),
        "rectgrad" => RectGrad(),
        "rectgrad-abs" => RectGrad(absolute: true),
        "gradient" => Gradient(),
        _ => throw new ArgumentException($"Unknown composite '{name}'. Known: {string.Join(", ", Names)}.", nameof(name)),
    };
}
