namespace Microsoft.ML.Attribution.Metrics;

/// <summary>
/// A deletion or insertion curve: the target probability after each step (step 0 = nothing changed yet) against the
/// fraction of pixels changed, and the trapezoidal area under it over [0, 1].
/// </summary>
public sealed record PerturbationCurve(
    PerturbationMode Mode,
    PerturbationSubstrate Substrate,
    int PixelsPerStep,
    IReadOnlyList<double> Fractions,
    IReadOnlyList<double> Probabilities,
    double Auc);
