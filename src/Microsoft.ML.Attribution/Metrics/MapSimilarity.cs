using TorchSharp;
using static TorchSharp.torch;
using Microsoft.ML.Attribution.Tensors;

namespace Microsoft.ML.Attribution.Metrics;

/// <summary>
/// Similarity of two single-channel maps of equal size ([H, W] float arrays or tensors), as the sanity checks use:
/// Pearson (as scipy.stats.pearsonr), Spearman with average ranks for ties (as scipy.stats.spearmanr), on signed or
/// absolute values, SSIM (as skimage.metrics.structural_similarity), and Pearson of HOG descriptors.
/// Correlations of a constant map are NaN, as in scipy.
/// </summary>
public static class MapSimilarity
{
    public static double Pearson(float[,] a, float[,] b) => Pearson(Map2D.From(a, nameof(a)), Map2D.From(b, nameof(b)));

    public static double Pearson(torch.Tensor a, torch.Tensor b) => Pearson(Map2D.From(a, nameof(a)), Map2D.From(b, nameof(b)));

    /// <inheritdoc cref="Pearson(IReadOnlyList{double}, IReadOnlyList{double})"/>
    public static double Pearson(double[] a, double[] b) => Pearson((IReadOnlyList<double>)a, (IReadOnlyList<double>)b);

    /// <summary>Pearson correlation of two equally long vectors (e.g. HOG descriptors).</summary>
    public static double Pearson(IReadOnlyList<double> a, IReadOnlyList<double> b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.Count != b.Count) throw new ArgumentException($"The vectors differ in length: {a.Count} vs {b.Count}.");
        if (a.Count < 2) throw new ArgumentException("A correlation needs at least two values.");
        if (a.All(v => v == a[0]) || b.All(v => v == b[0])) return double.NaN;
        double meanA = a.Average(), meanB = b.Average();
        double normA = Math.Sqrt(a.Sum(v => (v - meanA) * (v - meanA))), normB = Math.Sqrt(b.Sum(v => (v - meanB) * (v - meanB)));
        double r = 0;
        for (int i = 0; i < a.Count; i++) r += (a[i] - meanA) / normA * ((b[i] - meanB) / normB);
        return Math.Clamp(r, -1, 1);
    }

    /// <summary>Spearman rank correlation of the signed values (ties share their average rank).</summary>
    public static double Spearman(float[,] a, float[,] b) => Spearman(Map2D.From(a, nameof(a)), Map2D.From(b, nameof(b)));

    /// <inheritdoc cref="Spearman(float[,], float[,])"/>
    public static double Spearman(torch.Tensor a, torch.Tensor b) => Spearman(Map2D.From(a, nameof(a)), Map2D.From(b, nameof(b)));

    /// <summary>Spearman rank correlation of |a| and |b|: ignores sign flips between the maps.</summary>
    public static double SpearmanAbsolute(float[,] a, float[,] b) =>
        Spearman(Map2D.From(a, nameof(a)).Select(Math.Abs), Map2D.From(b, nameof(b)).Select(Math.Abs));

    /// <inheritdoc cref="SpearmanAbsolute(float[,], float[,])"/>
    public static double SpearmanAbsolute(torch.Tensor a, torch.Tensor b) =>
        Spearman(Map2D.From(a, nameof(a)).Select(Math.Abs), Map2D.From(b, nameof(b)).Select(Math.Abs));

    /// <summary>
    /// Mean structural similarity with skimage's defaults for 2-D float images: uniform (not Gaussian) window of side
    /// <paramref name="windowSize"/>, sample covariances (N − 1), K1 = 0.01, K2 = 0.03, averaged over the positions
    /// where the window lies fully inside the map. <paramref name="dataRange"/> must be given (max − min possible value).
    /// </summary>
    public static double Ssim(float[,] a, float[,] b, double dataRange, int windowSize = 7, double k1 = 0.01, double k2 = 0.03) =>
        Ssim(Map2D.From(a, nameof(a)), Map2D.From(b, nameof(b)), dataRange, windowSize, k1, k2);

    /// <inheritdoc cref="Ssim(float[,], float[,], double, int, double, double)"/>
    public static double Ssim(torch.Tensor a, torch.Tensor b, double dataRange, int windowSize = 7, double k1 = 0.01, double k2 = 0.03) =>
        Ssim(Map2D.From(a, nameof(a)), Map2D.From(b, nameof(b)), dataRange, windowSize, k1, k2);

    /// <summary>Pearson correlation of the two maps' HOG descriptors (<see cref="HistogramOfOrientedGradients"/>).</summary>
    public static double HogPearson(float[,] a, float[,] b, HogOptions? options = null) =>
        HogPearson(Map2D.From(a, nameof(a)), Map2D.From(b, nameof(b)), options ?? new());

    /// <inheritdoc cref="HogPearson(float[,], float[,], HogOptions?)"/>
    public static double HogPearson(torch.Tensor a, torch.Tensor b, HogOptions? options = null) =>
        HogPearson(Map2D.From(a, nameof(a)), Map2D.From(b, nameof(b)), options ?? new());

    /// <summary>All four sanity-check measures, after the optional max-|value| normalization of each map.</summary>
    public static SimilarityScores Compare(float[,] a, float[,] b, SimilarityOptions? options = null) =>
        Compare(Map2D.From(a, nameof(a)), Map2D.From(b, nameof(b)), options ?? new());

    /// <inheritdoc cref="Compare(float[,], float[,], SimilarityOptions?)"/>
    public static SimilarityScores Compare(torch.Tensor a, torch.Tensor b, SimilarityOptions? options = null) =>
        Compare(Map2D.From(a, nameof(a)), Map2D.From(b, nameof(b)), options ?? new());

    internal static SimilarityScores Compare(Map2D a, Map2D b, SimilarityOptions options)
    {
        Map2D.RequireSameShape(a, b);
        if (options.NormalizeByMaxAbs)
        {
            a = DivideByMaxAbs(a);
            b = DivideByMaxAbs(b);
        }
        return new SimilarityScores(
            Spearman(a, b),
            Spearman(a.Select(Math.Abs), b.Select(Math.Abs)),
            Ssim(a, b, options.SsimDataRange, options.SsimWindowSize, 0.01, 0.03),
            HogPearson(a, b, options.Hog));
    }

    internal static double Pearson(Map2D a, Map2D b)
    {
        Map2D.RequireSameShape(a, b);
        a.RequireFinite(nameof(a));
        b.RequireFinite(nameof(b));
        return Pearson(a.Values, b.Values);
    }

    internal static double Spearman(Map2D a, Map2D b)
    {
        Map2D.RequireSameShape(a, b);
        a.RequireFinite(nameof(a));
        b.RequireFinite(nameof(b));
        return Pearson(AverageRanks(a.Values), AverageRanks(b.Values));
    }

    internal static double HogPearson(Map2D a, Map2D b, HogOptions options)
    {
        Map2D.RequireSameShape(a, b);
        return Pearson(HistogramOfOrientedGradients.Compute(a, options), HistogramOfOrientedGradients.Compute(b, options));
    }

    internal static double Ssim(Map2D a, Map2D b, double dataRange, int windowSize, double k1, double k2)
    {
        Map2D.RequireSameShape(a, b);
        a.RequireFinite(nameof(a));
        b.RequireFinite(nameof(b));
        if (!(dataRange > 0) || !double.IsFinite(dataRange)) throw new ArgumentOutOfRangeException(nameof(dataRange), dataRange, "The data range must be positive.");
        if (windowSize < 3 || windowSize % 2 == 0) throw new ArgumentOutOfRangeException(nameof(windowSize), windowSize, "The SSIM window must be odd and at least 3.");
        if (windowSize > a.Height || windowSize > a.Width)
            throw new ArgumentException($"The SSIM window ({windowSize}) exceeds the {a.Width}×{a.Height} map.", nameof(windowSize));
        if (k1 < 0 || k2 < 0) throw new ArgumentOutOfRangeException(nameof(k1), "K1 and K2 must not be negative.");

        int n = a.Values.Length;
        double[] aa = new double[n], bb = new double[n], ab = new double[n];
        for (int i = 0; i < n; i++)
        {
            aa[i] = a.Values[i] * a.Values[i];
            bb[i] = b.Values[i] * b.Values[i];
            ab[i] = a.Values[i] * b.Values[i];
        }
        double[] meanA = WindowMeans(a.Values, a.Height, a.Width, windowSize), meanB = WindowMeans(b.Values, a.Height, a.Width, windowSize);
        double[] meanAA = WindowMeans(aa, a.Height, a.Width, windowSize), meanBB = WindowMeans(bb, a.Height, a.Width, windowSize);
        double[] meanAB = WindowMeans(ab, a.Height, a.Width, windowSize);

        double count = windowSize * windowSize;
        double sampleCorrection = count / (count - 1);
        double c1 = k1 * dataRange * (k1 * dataRange), c2 = k2 * dataRange * (k2 * dataRange);
        double sum = 0;
        for (int i = 0; i < meanA.Length; i++)
        {
            double ux = meanA[i], uy = meanB[i];
            double vx = sampleCorrection * (meanAA[i] - ux * ux);
            double vy = sampleCorrection * (meanBB[i] - uy * uy);
            double vxy = sampleCorrection * (meanAB[i] - ux * uy);
            sum += (2 * ux * uy + c1) * (2 * vxy + c2) / ((ux * ux + uy * uy + c1) * (vx + vy + c2));
        }
        return sum / meanA.Length;
    }

    /// <summary>Means over every window × window patch that lies fully inside the map, row-major over patch positions.</summary>
    private static double[] WindowMeans(double[] values, int height, int width, int window)
    {
        int rowsOut = height - window + 1, columnsOut = width - window + 1;
        var across = new double[height * columnsOut];
        for (int r = 0; r < height; r++)
            for (int c = 0; c < columnsOut; c++)
            {
                double s = 0;
                for (int k = 0; k < window; k++) s += values[r * width + c + k];
                across[r * columnsOut + c] = s / window;
            }
        var result = new double[rowsOut * columnsOut];
        for (int r = 0; r < rowsOut; r++)
            for (int c = 0; c < columnsOut; c++)
            {
                double s = 0;
                for (int k = 0; k < window; k++) s += across[(r + k) * columnsOut + c];
                result[r * columnsOut + c] = s / window;
            }
        return result;
    }

    /// <summary>1-based ranks; tied values share the mean of the ranks they span (scipy.stats.rankdata 'average').</summary>
    internal static double[] AverageRanks(IReadOnlyList<double> values)
    {
        int n = values.Count;
        int[] order = Enumerable.Range(0, n).OrderBy(i => values[i]).ToArray();
        var ranks = new double[n];
        for (int first = 0; first < n;)
        {
            int last = first;
            while (last + 1 < n && values[order[last + 1]] == values[order[first]]) last++;
            double rank = (first + last) / 2.0 + 1;
            for (int k = first; k <= last; k++) ranks[order[k]] = rank;
            first = last + 1;
        }
        return ranks;
    }

    private static Map2D DivideByMaxAbs(Map2D map)
    {
        map.RequireFinite("map");
        double max = map.Values.Max(Math.Abs);
        return max > 0 ? map.Select(v => v / max) : map;
    }
}
