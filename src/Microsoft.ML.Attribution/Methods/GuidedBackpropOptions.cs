namespace Microsoft.ML.Attribution.Methods;

/// <summary>Options of guided backpropagation.</summary>
public sealed record GuidedBackpropOptions : MethodOptions
{
    /// <summary>
    /// φ applied to the gradient at every ReLU (g_in = φ(g_out) ⊙ [z &gt; 0], methods.md §4.2): Positive is the published
    /// method, Signed the plain gradient, Negative and Absolute the positive-propagation study's contrasts.
    /// </summary>
    public GradientHandling Gradients { get; init; } = GradientHandling.Positive;
}
