using Microsoft.ML.Attribution.Tensors;
using static TorchSharp.torch;

namespace Microsoft.ML.Attribution.Methods;

/// <summary>Options of <see cref="IntegratedGradients"/>.</summary>
public sealed record IntegratedGradientsOptions : MethodOptions
{
    /// <summary>Number of path points; with adaptive refinement, the initial number of trapezoid panels (Steps + 1 points).</summary>
    public int Steps { get; init; } = 32;

    public Quadrature Quadrature { get; init; } = Quadrature.GaussLegendre;

    public BaselineKind Baseline { get; init; } = BaselineKind.Zero;

    /// <summary>Baseline for <see cref="BaselineKind.Custom"/>: one image [C,H,W] or one per row [N,C,H,W].</summary>
    public Tensor? CustomBaseline { get; init; }

    /// <summary>σ (pixels) of the blur baseline.</summary>
    public double BlurSigma { get; init; } = 5;

    /// <summary>
    /// When set, path points are added (from <see cref="Steps"/>, as <see cref="Refinement"/> says) until every row's relative
    /// completeness error |Σ IG − (f(x) − f(x'))| / |f(x) − f(x')| is at most this, or <see cref="MaxSteps"/> is reached.
    /// </summary>
    public double? TargetCompleteness { get; init; }

    /// <summary>
    /// How points are added for <see cref="TargetCompleteness"/>: adaptive panel bisection (composite trapezoid; the
    /// <see cref="Quadrature"/> option then does not apply) or doubling the chosen quadrature's steps.
    /// </summary>
    public IntegratedGradientsRefinement Refinement { get; init; } = IntegratedGradientsRefinement.Adaptive;

    /// <summary>
    /// Adaptive refinement stops when the completeness error itself meets the target (false, the default: the fewest points;
    /// the map can still be a few percent off the converged integral, as any rule's can at that completeness) or when the
    /// sum of the panels' |errors| does (true: errors of opposite sign cannot cancel, so the map converges too — on the
    /// fixtures as accurate as doubling to the same target, with 3–7× fewer evaluations).
    /// </summary>
    public bool StrictCompleteness { get; init; }

    /// <summary>The most steps (doubling) or panels per row (adaptive) a completeness target may use.</summary>
    public int MaxSteps { get; init; } = 512;
}
