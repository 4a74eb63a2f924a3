namespace Microsoft.ML.Attribution.Methods;

/// <summary>
/// How gradients enter an aggregation: the switch φ of Khakzar et al.'s positive-aggregation study (methods.md §4.2).
/// The published methods use Signed (Grad-CAM), Positive (Grad-CAM++) and Absolute (FullGrad).
/// </summary>
public enum GradientHandling
{
    /// <summary>φ(g) = g.</summary>
    Signed,

    /// <summary>φ(g) = max(g, 0).</summary>
    Positive,

    /// <summary>φ(g) = min(g, 0).</summary>
    Negative,

    /// <summary>φ(g) = |g|.</summary>
    Absolute,
}
