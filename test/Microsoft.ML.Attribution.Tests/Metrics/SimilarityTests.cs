using Microsoft.ML.Attribution.Metrics;
using TorchSharp;
using Microsoft.ML.Attribution.Tensors;
using static TorchSharp.torch;

namespace Microsoft.ML.Attribution.Tests.Metrics;

/// <summary>Hand-checked properties of the similarity measures and the class-sensitivity helper.</summary>
[TestClass]
public sealed class SimilarityTests : TorchTest
{
    private static float[,] Ramp(int height, int width, Func<int, int, double> f)
    {
        var map = new float[height, width];
        for (int r = 0; r < height; r++)
            for (int c = 0; c < width; c++)
                map[r, c] = (float)f(r, c);
        return map;
    }

    private static float[,] Negate(float[,] map) => Ramp(map.GetLength(0), map.GetLength(1), (r, c) => -map[r, c]);

    [TestMethod]
    public void Spearman_with_ties_equals_the_hand_computed_value()
    {
        // a = [1, 2, 2, 3] → ranks [1, 2.5, 2.5, 4]; b = [1, 3, 2, 4] → ranks [1, 3, 2, 4].
        // Pearson of the ranks: centred a = [−1.5, 0, 0, 1.5], b = [−1.5, .5, −.5, 1.5] → 4.5 / √(4.5 · 5) = 0.9486832980505138.
        var a = new float[,] { { 1, 2 }, { 2, 3 } };
        var b = new float[,] { { 1, 3 }, { 2, 4 } };
        Assert.AreEqual(4.5 / Math.Sqrt(4.5 * 5), MapSimilarity.Spearman(a, b), 1e-15);
        CollectionAssert.AreEqual(new[] { 1, 2.5, 2.5, 4 }, MapSimilarity.AverageRanks([1, 2, 2, 3]));
    }

    [TestMethod]
    public void Sign_flips_separate_the_signed_and_absolute_Spearman()
    {
        float[,] a = Ramp(10, 12, (r, c) => Math.Sin(r * 0.7) + Math.Cos(c * 0.3) + 0.01 * r * c);
        Assert.AreEqual(-1.0, MapSimilarity.Spearman(a, Negate(a)), 1e-12);
        Assert.AreEqual(1.0, MapSimilarity.SpearmanAbsolute(a, Negate(a)), 1e-12);
        Assert.AreEqual(1.0, MapSimilarity.Pearson(a, a), 1e-12);
    }

    [TestMethod]
    public void Correlations_of_a_constant_map_are_NaN_as_in_scipy()
    {
        float[,] a = Ramp(4, 4, (r, c) => r + c);
        Assert.IsTrue(double.IsNaN(MapSimilarity.Spearman(a, new float[4, 4])));
        Assert.IsTrue(double.IsNaN(MapSimilarity.Pearson(a, new float[4, 4])));
    }

    [TestMethod]
    public void Identical_maps_score_one_on_every_measure()
    {
        float[,] a = Ramp(32, 32, (r, c) => Math.Exp(-((r - 12) * (r - 12) + (c - 20) * (c - 20)) / 40.0) - 0.3 * Math.Exp(-((r - 25) * (r - 25) + (c - 6) * (c - 6)) / 20.0));
        SimilarityScores s = MapSimilarity.Compare(a, a);
        Assert.AreEqual(1.0, s.Spearman, 1e-12);
        Assert.AreEqual(1.0, s.SpearmanAbsolute, 1e-12);
        Assert.AreEqual(1.0, s.Ssim, 1e-12);
        Assert.AreEqual(1.0, s.HogPearson, 1e-12);
    }

    [TestMethod]
    public void Ssim_of_a_scaled_copy_is_below_one_and_normalization_restores_it()
    {
        float[,] a = Ramp(24, 24, (r, c) => Math.Sin(r) * Math.Cos(c * 0.5));
        float[,] half = Ramp(24, 24, (r, c) => a[r, c] * 0.5);
        Assert.IsLessThan(0.99, MapSimilarity.Ssim(a, half, dataRange: 2));
        Assert.AreEqual(1.0, MapSimilarity.Compare(a, half).Ssim, 1e-6, "each map is divided by its max |value| first");
    }

    [TestMethod]
    public void Invalid_similarity_arguments_are_rejected()
    {
        var a = new float[8, 8];
        Assert.ThrowsExactly<ArgumentException>(() => MapSimilarity.Spearman(a, new float[8, 9]));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => MapSimilarity.Ssim(a, a, dataRange: 0));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => MapSimilarity.Ssim(a, a, dataRange: 1, windowSize: 4));
        Assert.ThrowsExactly<ArgumentException>(() => MapSimilarity.Ssim(a, a, dataRange: 1, windowSize: 9));
        var tooSmall = Assert.ThrowsExactly<ArgumentException>(() => HistogramOfOrientedGradients.Compute(new float[16, 40]));
        StringAssert.Contains(tooSmall.Message, "fewer than one block");
        using Tensor batch = zeros(1, 8, 8);
        Assert.ThrowsExactly<ArgumentException>(() => MapSimilarity.Pearson(batch, batch));
    }

    [TestMethod]
    public void Class_sensitivity_picks_the_max_and_min_logit_classes()
    {
        Assert.AreEqual((2, 1), ClassSensitivity.ChooseClasses([0.5f, -3f, 4f, 1f]));
        Assert.AreEqual((0, 1), ClassSensitivity.ChooseClasses([1f, 1f, 1f]), "all equal: any other class");
        using Tensor logits = tensor(new float[] { 0.5f, -3f, 4f, 1f }, [1, 4]);
        Assert.AreEqual((2, 1), ClassSensitivity.ChooseClasses(logits));
        for (int seed = 0; seed < 20; seed++)
        {
            (int top, int other) = ClassSensitivity.ChooseClasses([0.5f, -3f, 4f, 1f], ClassContrast.RandomOther, seed);
            Assert.AreEqual(2, top);
            Assert.AreNotEqual(2, other);
            Assert.AreEqual(other, ClassSensitivity.ChooseClasses([0.5f, -3f, 4f, 1f], ClassContrast.RandomOther, seed).ContrastClass, "seeded");
        }
        Assert.ThrowsExactly<ArgumentException>(() => ClassSensitivity.ChooseClasses([1f]));
    }

    [TestMethod]
    public void Class_sensitivity_of_a_class_blind_method_is_high_and_of_a_flipped_map_low()
    {
        float[,] top = Ramp(32, 32, (r, c) => Math.Exp(-((r - 10) * (r - 10) + (c - 10) * (c - 10)) / 30.0));
        SimilarityScores same = ClassSensitivity.Compare(top, Ramp(32, 32, (r, c) => 3 * top[r, c]));
        Assert.AreEqual(1.0, same.Spearman, 1e-12);
        Assert.AreEqual(1.0, same.Ssim, 1e-6);
        float[,] elsewhere = Ramp(32, 32, (r, c) => Math.Exp(-((r - 24) * (r - 24) + (c - 22) * (c - 22)) / 30.0));
        using Tensor a = tensor(top.Cast<float>().ToArray(), [32, 32]);
        using Tensor b = tensor(elsewhere.Cast<float>().ToArray(), [32, 32]);
        SimilarityScores different = ClassSensitivity.Compare(a, b);
        Assert.IsLessThan(0.5, different.Ssim);
        Assert.IsLessThan(0.5, different.HogPearson);
    }
}
