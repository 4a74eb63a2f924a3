namespace Microsoft.ML.Attribution.Metrics;

/// <summary>Hits and misses of one class; <see cref="Accuracy"/> is null when the class was never evaluated.</summary>
public sealed record ClassPointingScore(string ClassName, int Hits, int Misses)
{
    public int Evaluated => Hits + Misses;

    public double? Accuracy => Evaluated == 0 ? null : (double)Hits / Evaluated;
}
