namespace Microsoft.ML.Attribution.Methods;

/// <summary>Options of <see cref="RectGrad"/> (defaults: the official code's, methods.md §5.7 and §5.14).</summary>
public sealed record RectGradOptions : MethodOptions
{
    /// <summary>q: at each ReLU only units whose importance exceeds the q-th percentile of the sample pass, in [0, 100].</summary>
    public double Percentile { get; init; } = 98;

    /// <summary>A constant threshold τ used instead of the percentile (RectGradConst; τ = 0 passes positive importance only).</summary>
    public double? Threshold { get; init; }

    /// <summary>Threshold |a·g| instead of a·g (RectGrad-Abs, methods.md §4.2).</summary>
    public bool AbsoluteImportance { get; init; }

    /// <summary>Zero the gradient on the output border of zero-padded convolutions before their backward (on in the official code).</summary>
    public bool PaddingTrick { get; init; } = true;
}
