namespace Microsoft.ML.Attribution.Metrics;

/// <summary>Result of one (image, class) pair in the pointing game. Skipped pairs count neither as hit nor as miss.</summary>
public enum PointingOutcome
{
    Skipped = 0,
    Hit = 1,
    Miss = -1,
}
