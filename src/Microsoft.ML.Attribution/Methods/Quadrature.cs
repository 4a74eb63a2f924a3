namespace Microsoft.ML.Attribution.Methods;

/// <summary>How Integrated Gradients places and weights its path points.</summary>
public enum Quadrature
{
    /// <summary>Gauss–Legendre nodes on [0,1] (Captum's default; the most accurate for a given step count).</summary>
    GaussLegendre,
    RiemannLeft,
    RiemannRight,
    RiemannMiddle,
    /// <summary>Trapezoid rule, weights summing to 1 (Captum's "riemann_trapezoid" sums to 1 − 1/n instead).</summary>
    RiemannTrapezoid,
}
