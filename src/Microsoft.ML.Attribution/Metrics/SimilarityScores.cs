namespace Microsoft.ML.Attribution.Metrics;

/// <summary>
/// The sanity-check similarity measures between two maps (methods.md §4.3): Spearman rank correlation of the signed
/// values and of the absolute values, SSIM, and the Pearson correlation of HOG descriptors. High = similar.
/// A correlation is NaN when one map is constant (it is undefined there, as in scipy).
/// </summary>
public sealed record SimilarityScores(double Spearman, double SpearmanAbsolute, double Ssim, double HogPearson)
{
    /// <summary>
    /// The mean of each measure over <paramref name="scores"/>, skipping NaN entries (a constant map leaves that image's
    /// correlations undefined); NaN only when no entry is defined.
    /// </summary>
    public static SimilarityScores Mean(IEnumerable<SimilarityScores> scores)
    {
        ArgumentNullException.ThrowIfNull(scores);
        SimilarityScores[] all = scores.ToArray();
        static double MeanOf(IEnumerable<double> values)
        {
            double[] defined = values.Where(v => !double.IsNaN(v)).ToArray();
            return defined.Length == 0 ? double.NaN : defined.Average();
        }
        return new SimilarityScores(MeanOf(all.Select(s => s.Spearman)), MeanOf(all.Select(s => s.SpearmanAbsolute)),
            MeanOf(all.Select(s => s.Ssim)), MeanOf(all.Select(s => s.HogPearson)));
    }
}
