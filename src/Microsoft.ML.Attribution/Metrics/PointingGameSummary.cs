namespace Microsoft.ML.Attribution.Metrics;

/// <summary>The pointing game on the full set ("All") and on the difficult subset ("Diff"; null when no subset was configured).</summary>
public sealed record PointingGameSummary(double Tolerance, PointingGameScore All, PointingGameScore? Difficult);
