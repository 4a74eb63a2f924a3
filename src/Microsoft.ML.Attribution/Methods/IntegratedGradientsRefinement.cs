namespace Microsoft.ML.Attribution.Methods;

/// <summary>How Integrated Gradients adds path points until a completeness target is met.</summary>
public enum IntegratedGradientsRefinement
{
    /// <summary>
    /// Composite trapezoid on panels that are bisected where the completeness error sits: along the path the score f is
    /// evaluated with every gradient, so each panel's own error (its trapezoid of ∂f/∂α minus the rise of f across it) is
    /// known exactly; the panels holding most of the error are split, earlier points are all kept. Refinement stops when
    /// the completeness error meets the target (with StrictCompleteness: the sum of the panels' |errors|, which cannot
    /// cancel). Every point's gradient is kept, so the memory budget also caps the points per row.
    /// </summary>
    Adaptive,

    /// <summary>The chosen <see cref="Quadrature"/> with the step count doubled (and every point re-evaluated) until the target is met.</summary>
    Doubling,
}
