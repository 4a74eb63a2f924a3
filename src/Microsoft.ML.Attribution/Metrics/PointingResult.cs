namespace Microsoft.ML.Attribution.Metrics;

/// <summary>
/// One evaluated (image, class) pair: the point, its outcome on the full set, and its outcome on the difficult subset
/// (<see cref="PointingOutcome.Skipped"/> when the pair is not in that subset or no subset was configured).
/// </summary>
public sealed record PointingResult(string ImageName, string ClassName, ImagePoint Point, PointingOutcome All, PointingOutcome Difficult);
