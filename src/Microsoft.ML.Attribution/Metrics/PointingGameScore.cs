namespace Microsoft.ML.Attribution.Metrics;

/// <summary>
/// Pointing-game scores of one subset. <see cref="MeanAccuracy"/> is the protocol's score: the mean over classes of
/// per-class accuracy, over the classes with at least one evaluated pair (TorchRay averages over all of its classes,
/// which is the same whenever every class was evaluated). <see cref="PooledAccuracy"/> (hits / evaluated pairs) is
/// reported for comparison only. Both are NaN when nothing was evaluated.
/// </summary>
public sealed record PointingGameScore(IReadOnlyList<ClassPointingScore> Classes)
{
    public int Hits => Classes.Sum(c => c.Hits);

    public int Misses => Classes.Sum(c => c.Misses);

    public double MeanAccuracy
    {
        get
        {
            double[] accuracies = Classes.Where(c => c.Accuracy.HasValue).Select(c => c.Accuracy!.Value).ToArray();
            return accuracies.Length == 0 ? double.NaN : accuracies.Average();
        }
    }

    public double PooledAccuracy => Hits + Misses == 0 ? double.NaN : (double)Hits / (Hits + Misses);
}
