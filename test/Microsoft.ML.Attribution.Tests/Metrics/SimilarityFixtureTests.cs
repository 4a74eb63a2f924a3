using System.Text.Json;
using Microsoft.ML.Attribution.Maps;
using Microsoft.ML.Attribution.Metrics;
using TorchSharp;
using static TorchSharp.torch;
using Microsoft.ML.Attribution.Tensors;

namespace Microsoft.ML.Attribution.Tests.Metrics;

/// <summary>
/// Pearson, Spearman (signed and absolute), SSIM and HOG / HOG-Pearson against scipy 1.10 and skimage 0.19
/// (tools/make_metric_fixtures.py → fixtures/metrics/cases.json). Cases cover random and correlated maps, many ties,
/// smooth saliency-like maps, 16-px cells, cells that do not divide the map, and a gradient whose angle rounds to 180°.
/// </summary>
[TestClass]
public sealed class SimilarityFixtureTests : TorchTest
{
    private sealed record Case(string Name, float[,] A, float[,] B, JsonElement Expected)
    {
        public double Value(string name) => Expected.GetProperty(name).GetDouble();

        public HogOptions Hog
        {
            get
            {
                JsonElement hog = Expected.GetProperty("hog");
                int[] cell = hog.GetProperty("pixels_per_cell").EnumerateArray().Select(e => e.GetInt32()).ToArray();
                int[] block = hog.GetProperty("cells_per_block").EnumerateArray().Select(e => e.GetInt32()).ToArray();
                return new HogOptions
                {
                    Orientations = hog.GetProperty("orientations").GetInt32(),
                    PixelsPerCell = (cell[0], cell[1]),
                    CellsPerBlock = (block[0], block[1]),
                };
            }
        }
    }

    private static List<Case> LoadCases()
    {
        using JsonDocument document = JsonDocument.Parse(File.ReadAllText(FixturePath("metrics", "cases.json")));
        var cases = new List<Case>();
        foreach (JsonElement c in document.RootElement.GetProperty("cases").EnumerateArray())
        {
            string name = c.GetProperty("name").GetString()!;
            cases.Add(new Case(name, Load($"{name}.a.npy"), Load($"{name}.b.npy"), c.Clone()));
        }
        Assert.IsGreaterThanOrEqualTo(7, cases.Count);
        return cases;
    }

    private static float[,] Load(string file)
    {
        using torch.Tensor t = Npy.Load(FixturePath("metrics", file));
        float[] flat = t.ToArray<float>();
        var map = new float[t.shape[0], t.shape[1]];
        Buffer.BlockCopy(flat, 0, map, 0, flat.Length * sizeof(float));
        return map;
    }

    private static torch.Tensor AsTensor(float[,] map) => torch.tensor(map.Cast<float>().ToArray(), [map.GetLength(0), map.GetLength(1)]);

    private static void AssertAll(IEnumerable<Case> cases, string what, double tolerance, Func<Case, (double Expected, double Actual)> compute)
    {
        var failures = new List<string>();
        foreach (Case c in cases)
        {
            (double expected, double actual) = compute(c);
            if (!(Math.Abs(expected - actual) <= tolerance)) failures.Add($"{c.Name}: expected {expected:R}, got {actual:R}");
        }
        Assert.IsEmpty(failures, $"{what} differs from the reference beyond {tolerance:E0}:\n" + string.Join("\n", failures));
    }

    [TestMethod]
    public void Pearson_matches_scipy() =>
        AssertAll(LoadCases(), "Pearson", 1e-12, c => (c.Value("pearson"), MapSimilarity.Pearson(c.A, c.B)));

    [TestMethod]
    public void Spearman_signed_and_absolute_match_scipy_with_average_ranks_for_ties()
    {
        List<Case> cases = LoadCases();
        AssertAll(cases, "Spearman", 1e-12, c => (c.Value("spearman"), MapSimilarity.Spearman(c.A, c.B)));
        AssertAll(cases, "Spearman |·|", 1e-12, c => (c.Value("spearman_abs"), MapSimilarity.SpearmanAbsolute(c.A, c.B)));
        AssertAll(cases, "Spearman (tensors)", 1e-12, c =>
        {
            using torch.Tensor a = AsTensor(c.A), b = AsTensor(c.B);
            return (c.Value("spearman"), MapSimilarity.Spearman(a, b));
        });
    }

    [TestMethod]
    public void Ssim_matches_skimage_for_windows_7_and_5()
    {
        List<Case> cases = LoadCases();
        AssertAll(cases, "SSIM win 7", 1e-10, c => (c.Value("ssim7"), MapSimilarity.Ssim(c.A, c.B, c.Value("data_range"))));
        AssertAll(cases, "SSIM win 5", 1e-10, c =>
        {
            using torch.Tensor a = AsTensor(c.A), b = AsTensor(c.B);
            return (c.Value("ssim5"), MapSimilarity.Ssim(a, b, c.Value("data_range"), windowSize: 5));
        });
    }

    [TestMethod]
    public void Hog_descriptor_matches_skimage_element_by_element()
    {
        foreach (Case c in LoadCases())
        {
            using torch.Tensor expectedTensor = Npy.Load(FixturePath("metrics", $"{c.Name}.hog_a.npy"));
            double[] expected = expectedTensor.ToArray<double>();
            double[] actual = HistogramOfOrientedGradients.Compute(c.A, c.Hog);
            Assert.HasCount(expected.Length, actual, $"{c.Name}: descriptor length");
            double worst = expected.Zip(actual, (e, a) => Math.Abs(e - a)).Max();
            Assert.IsLessThanOrEqualTo(1e-9, worst, $"{c.Name}: HOG differs from skimage by up to {worst:E2}");
        }
    }

    [TestMethod]
    public void Hog_Pearson_matches_skimage_and_scipy() =>
        AssertAll(LoadCases(), "HOG-Pearson", 1e-9, c => (c.Value("hog_pearson"), MapSimilarity.HogPearson(c.A, c.B, c.Hog)));

    [TestMethod]
    public void Compare_normalizes_by_max_abs_then_measures_everything()
    {
        List<Case> cases = LoadCases().Where(c => c.Hog == new HogOptions()).ToList();
        Assert.IsNotEmpty(cases);
        foreach (Case c in cases)
        {
            SimilarityScores scores = MapSimilarity.Compare(c.A, c.B);
            JsonElement e = c.Expected.GetProperty("compare");
            Assert.AreEqual(e.GetProperty("spearman").GetDouble(), scores.Spearman, 1e-12, c.Name);
            Assert.AreEqual(e.GetProperty("spearman_abs").GetDouble(), scores.SpearmanAbsolute, 1e-12, c.Name);
            Assert.AreEqual(e.GetProperty("ssim").GetDouble(), scores.Ssim, 1e-10, c.Name);
            Assert.AreEqual(e.GetProperty("hog_pearson").GetDouble(), scores.HogPearson, 1e-9, c.Name);
        }
    }
}
