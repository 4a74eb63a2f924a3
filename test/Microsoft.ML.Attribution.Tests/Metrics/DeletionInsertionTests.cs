using Microsoft.ML.Attribution.Maps;
using Microsoft.ML.Attribution.Metrics;
using TorchSharp;
using Microsoft.ML.Attribution.Tensors;
using static TorchSharp.torch;

namespace Microsoft.ML.Attribution.Tests.Metrics;

/// <summary>
/// Deletion / insertion on a toy "model" whose probability is the mean of the top-left quadrant of an 8 × 8 input of ones,
/// with a map that ranks the 16 quadrant pixels first. Deleting k of them leaves p = 1 − k/16, so the curve is known exactly.
/// </summary>
[TestClass]
public sealed class DeletionInsertionTests : TorchTest
{
    private const int Side = 8;

    private static Tensor TopLeftQuadrantMean(Tensor batch) => batch.narrow(2, 0, Side / 2).narrow(3, 0, Side / 2).mean([1, 2, 3]);

    private static float[,] QuadrantFirstMap()
    {
        var map = new float[Side, Side];
        for (int r = 0; r < Side; r++)
            for (int c = 0; c < Side; c++)
                map[r, c] = r < Side / 2 && c < Side / 2 ? 1 + r * Side + c : -(r * Side + c); // quadrant first, any order
        return map;
    }

    [TestMethod]
    public void Deletion_of_the_quadrant_first_gives_the_triangle_area()
    {
        using Tensor image = ones(2, Side, Side);
        var options = new DeletionInsertionOptions { PixelsPerStep = 4, BatchSize = 5 }; // 16 steps, 17 points in batches 5,5,5,2
        PerturbationCurve curve = DeletionInsertion.Deletion(TopLeftQuadrantMean, image, QuadrantFirstMap(), options);
        Assert.AreEqual(PerturbationMode.Deletion, curve.Mode);
        Assert.AreEqual(PerturbationSubstrate.Zero, curve.Substrate);
        Assert.AreEqual(4, curve.PixelsPerStep);
        Assert.AreEqual(17, curve.Probabilities.Count);
        double[] expected = Enumerable.Range(0, 17).Select(i => Math.Max(0, 1 - i / 4.0)).ToArray();
        for (int i = 0; i < 17; i++)
        {
            Assert.AreEqual(i / 16.0, curve.Fractions[i], 1e-15);
            Assert.AreEqual(expected[i], curve.Probabilities[i], 1e-6, $"step {i}");
        }
        // p falls linearly from 1 to 0 over the first quarter of the pixels: area 1/2 · 1/4.
        Assert.AreEqual(0.125, curve.Auc, 1e-6);
        using (DisposeScope _ = NewDisposeScope())
            Assert.AreEqual(1.0, image.mean().ItemAs<float>(), "the input is not modified");
    }

    [TestMethod]
    public void Insertion_of_the_quadrant_first_gives_the_complementary_area()
    {
        using Tensor image = ones(2, Side, Side);
        var options = new DeletionInsertionOptions { PixelsPerStep = 4, InsertionSubstrate = PerturbationSubstrate.Zero, BatchSize = 3 };
        PerturbationCurve curve = DeletionInsertion.Insertion(TopLeftQuadrantMean, image, QuadrantFirstMap(), options);
        Assert.AreEqual(PerturbationMode.Insertion, curve.Mode);
        Assert.AreEqual(0.0, curve.Probabilities[0], 1e-7);
        Assert.AreEqual(0.5, curve.Probabilities[2], 1e-6);
        Assert.AreEqual(1.0, curve.Probabilities[16], 1e-6);
        // Rises linearly over the first quarter, then stays at 1: 1/8 + 3/4.
        Assert.AreEqual(0.875, curve.Auc, 1e-6);
    }

    [TestMethod]
    public void A_last_partial_step_uses_the_true_fractions()
    {
        using Tensor image = ones(1, Side, Side);
        using Tensor map = tensor(QuadrantFirstMap().Cast<float>().ToArray(), [Side, Side]);
        PerturbationCurve curve = DeletionInsertion.Deletion(TopLeftQuadrantMean, image, map, new DeletionInsertionOptions { PixelsPerStep = 5 });
        // 64 pixels in steps of 5: 13 steps, the last one changing 4. p after k deletions = max(0, 1 − k/16).
        Assert.AreEqual(14, curve.Fractions.Count);
        Assert.AreEqual(60 / 64.0, curve.Fractions[12], 1e-15);
        Assert.AreEqual(1.0, curve.Fractions[13]);
        CollectionAssert.AreEqual(new[] { 1.0, 11 / 16.0, 6 / 16.0, 1 / 16.0, 0.0 }, curve.Probabilities.Take(5).Select(p => Math.Round(p, 6)).ToArray());
        // Trapezoids in units of 1/64 of the x axis: 5·(1 + 11/16)/2 + 5·(11/16 + 6/16)/2 + 5·(6/16 + 1/16)/2 + 5·(1/16)/2 = 260/32.
        Assert.AreEqual(260.0 / 32 / 64, curve.Auc, 1e-7);
    }

    [TestMethod]
    public void Ties_are_taken_in_row_major_order()
    {
        using Tensor image = ones(1, Side, Side);
        var flat = new float[Side, Side]; // constant map: pixels go in reading order, row 0 first
        PerturbationCurve curve = DeletionInsertion.Deletion(TopLeftQuadrantMean, image, flat, new DeletionInsertionOptions { PixelsPerStep = 8 });
        // Each row removes 4 quadrant pixels while rows 0–3 go: 1, .75, .5, .25, 0, 0 …
        CollectionAssert.AreEqual(new[] { 1.0, 0.75, 0.5, 0.25, 0.0, 0.0 }, curve.Probabilities.Take(6).Select(p => Math.Round(p, 6)).ToArray());
    }

    [TestMethod]
    public void The_default_step_gives_224_steps()
    {
        using Tensor image = ones(1, 16, 14); // 224 pixels → 1 per step
        PerturbationCurve curve = DeletionInsertion.Deletion(b => b.mean([1, 2, 3]), image, new float[16, 14]);
        Assert.AreEqual(1, curve.PixelsPerStep);
        Assert.AreEqual(225, curve.Probabilities.Count);
        using Tensor large = zeros(3, 224, 224);
        Assert.AreEqual(224, DeletionInsertion.Deletion(b => b.mean([1, 2, 3]), large, new float[224, 224], new DeletionInsertionOptions { BatchSize = 64 }).PixelsPerStep);
    }

    [TestMethod]
    public void Mean_substrate_is_the_per_channel_mean()
    {
        using Tensor image = tensor(new float[] { 1, 2, 3, 6, 10, 10, 10, 10 }, [2, 2, 2]);
        using Tensor substrate = DeletionInsertion.CreateSubstrate(image, PerturbationSubstrate.Mean);
        CollectionAssert.AreEqual(new float[] { 3, 3, 3, 3, 10, 10, 10, 10 }, substrate.ToArray<float>());
        using Tensor zero = DeletionInsertion.CreateSubstrate(image, PerturbationSubstrate.Zero);
        CollectionAssert.AreEqual(new float[8], zero.ToArray<float>());
    }

    [TestMethod]
    public void Blur_kernel_and_substrate_match_RISE_computed_with_scipy_and_torch()
    {
        double[,] kernel = DeletionInsertion.BlurKernel(11, 5);
        using Tensor expectedKernel = Npy.Load(FixturePath("metrics", "blur.kernel.npy"));
        double[] expected = expectedKernel.ToArray<double>();
        Assert.AreEqual(1.0, kernel.Cast<double>().Sum(), 1e-14);
        double worst = kernel.Cast<double>().Zip(expected, (a, b) => Math.Abs(a - b)).Max();
        Assert.IsLessThanOrEqualTo(1e-15, worst, $"kernel differs from scipy's by {worst:E2}");

        using Tensor image = Npy.Load(FixturePath("metrics", "blur.image.npy"));
        using Tensor blurred = Npy.Load(FixturePath("metrics", "blur.blurred.npy"));
        using Tensor actual = DeletionInsertion.CreateSubstrate(image, PerturbationSubstrate.Blur);
        AssertClose(blurred, actual, 1e-12, "blur substrate");
    }

    [TestMethod]
    public void Insertion_from_blur_starts_at_the_blurred_image_probability()
    {
        using Tensor image = Npy.Load(FixturePath("metrics", "blur.image.npy"));
        using Tensor blurred = Npy.Load(FixturePath("metrics", "blur.blurred.npy"));
        double blurredScore;
        using (DisposeScope _ = NewDisposeScope())
            blurredScore = blurred.narrow(1, 0, 10).narrow(2, 0, 12).mean().ItemAs<double>();
        var map = new float[20, 24];
        PerturbationCurve curve = DeletionInsertion.Insertion(b => b.narrow(2, 0, 10).narrow(3, 0, 12).mean([1, 2, 3]), image, map,
            new DeletionInsertionOptions { PixelsPerStep = 48 });
        Assert.AreEqual(PerturbationSubstrate.Blur, curve.Substrate);
        Assert.AreEqual(blurredScore, curve.Probabilities[0], 1e-12);
    }

    [TestMethod]
    public void Bad_inputs_and_bad_model_outputs_are_clear_errors()
    {
        using Tensor image = ones(1, Side, Side);
        var size = Assert.ThrowsExactly<ArgumentException>(() => DeletionInsertion.Deletion(TopLeftQuadrantMean, image, new float[4, 4]));
        StringAssert.Contains(size.Message, "input's resolution");
        using Tensor batchImage = ones(1, 1, Side, Side);
        Assert.ThrowsExactly<ArgumentException>(() => DeletionInsertion.Deletion(TopLeftQuadrantMean, batchImage, new float[Side, Side]));
        var output = Assert.ThrowsExactly<InvalidOperationException>(() =>
            DeletionInsertion.Deletion(b => b.mean([3]), image, new float[Side, Side], new DeletionInsertionOptions { PixelsPerStep = 16, BatchSize = 2 }));
        StringAssert.Contains(output.Message, "[2, 1, 8]");
        var nan = new float[Side, Side];
        nan[0, 0] = float.NaN;
        Assert.ThrowsExactly<ArgumentException>(() => DeletionInsertion.Deletion(TopLeftQuadrantMean, image, nan));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() =>
            DeletionInsertion.Deletion(TopLeftQuadrantMean, image, new float[Side, Side], new DeletionInsertionOptions { BatchSize = 0 }));
    }
}
