namespace Microsoft.ML.Attribution.Metrics;

/// <summary>
/// The sanity-check similarity measures between two maps (methods.md §4.3): Spearman rank correlation of the signed
/// values and of the absolute values, SSIM, and the Pearson correlation of HOG descriptors. High = similar.
/// A correlation is NaN when one map is constant (it is undefined there, as in scipy).
/// </summary>
public sealed record SimilarityScores(double Spearman, double SpearmanAbsolute, double Ssim, double HogPearson);
