using Microsoft.ML.Attribution.Maps;
using Microsoft.ML.Attribution.Methods;
using Microsoft.ML.Attribution.Metrics;
using Microsoft.ML.Attribution.Tests.Methods;
using TorchSharp;
using Microsoft.ML.Attribution.Tensors;
using static TorchSharp.torch;

namespace Microsoft.ML.Attribution.Tests.Metrics;

/// <summary>
/// The behavioural claims of methods.md §8 items 16–19, as directions (never exact values), measured on the trained
/// peer model (fixtures/peer-small: a VGG-style 4-class shapes CNN). The inputs are the first four shape images of
/// fixtures/study/shapes.npy (tools/make_shape_inputs.py; one per class, each classified as drawn), not the fixture's
/// own inputs.npy: those are N(0, 1) noise, which the model calls "triangle" every time. Every direction below holds on
/// the noise too (docs/results/study-peer-small.md); the shapes are where the maps explain real decisions
/// (docs/results/study-peer-small-shapes.md, 8 images: the numbers quoted in comments are from there).
/// </summary>
[TestClass]
public sealed class StudyClaimsTests : TorchTest
{
    private static readonly string[] s_classVariants =
    [
        "gradient", "gradcam-signed", "guided-backprop-positive", "lrp-z-plus", "rectgrad", "excitation-backprop",
        "gradcam-plus-plus-positive", "gradcam-plus-plus-signed", "fullgrad-absolute", "fullgrad-signed",
        "clrp-lrp-pass", "clrp-dual1", "clrp-dual2",
    ];

    private static Dictionary<string, SimilarityScores> s_classSimilarity = null!;
    private static Dictionary<string, RandomizationCurve> s_curves = null!;

    /// <summary>One pass over the model for all claims (the tests then only compare numbers).</summary>
    [ClassInitialize]
    public static void Measure(TestContext context)
    {
        using DisposeScope scope = NewDisposeScope();
        using var peer = new PeerReference();
        Tensor shapes = Npy.Load(MethodFixtures.Fixture("study", "shapes.npy")).narrow(0, 0, 4);
        var variants = StudyVariants.All(low: 0, high: 1).Where(v => s_classVariants.Contains(v.Name)).ToArray();
        var results = ClassSensitivityStudy.Run(peer.Network, shapes, variants);
        CollectionAssert.AreEqual(new long[] { 0, 1, 2, 3 }, results[0].TopClasses.ToArray(), "the model recognizes the drawn shapes");
        s_classSimilarity = results.ToDictionary(r => r.Variant, r => r.Mean);

        // Claim 19 is about the top layers: the classifier and the last two convolutions are enough to see it.
        var options = new CascadingRandomizationOptions { Blocks = CascadingRandomization.DefaultBlocks(peer.Network).Take(3).ToArray() };
        s_curves = new[] { "gradient", "guided-backprop-positive" }
            .Select(name => CascadingRandomization.Run(peer.Network, shapes, variants.Single(v => v.Name == name), options))
            .ToDictionary(c => c.Method);
    }

    private static SimilarityScores Class(string variant) => s_classSimilarity[variant];

    private static void AssertMoreSimilar(string higher, string lower, string claim)
    {
        SimilarityScores h = Class(higher), l = Class(lower);
        Assert.IsGreaterThan(l.Spearman, h.Spearman, $"{claim}: Spearman {higher} ({h.Spearman:F3}) > {lower} ({l.Spearman:F3})");
        Assert.IsGreaterThan(l.Ssim, h.Ssim, $"{claim}: SSIM {higher} ({h.Ssim:F3}) > {lower} ({l.Ssim:F3})");
    }

    [TestMethod]
    public void Claim16_clrp_is_less_class_similar_than_lrp_z_plus()
    {
        // Measured: LRP-z⁺ 1.000 (Spearman) vs CLRP −0.484 (dual 1) and −0.391 (dual 2); on the noise inputs LRP-z⁺ is
        // only 0.545, short of the §8 calibration "> 0.8", but still above CLRP (−0.666 / −0.487).
        AssertMoreSimilar("lrp-z-plus", "clrp-dual1", "16");
        AssertMoreSimilar("lrp-z-plus", "clrp-dual2", "16");
        // CLRP's own LRP pass (z^B + bias-free z⁺, divided by its total as CLRP does) is already less class-similar than
        // LRP-z⁺ (0.486), and the subtraction lowers it further.
        AssertMoreSimilar("clrp-lrp-pass", "clrp-dual1", "16");
        AssertMoreSimilar("clrp-lrp-pass", "clrp-dual2", "16");
        Assert.IsGreaterThan(0.8, Class("lrp-z-plus").Spearman, "16: LRP-z⁺ maps of the two classes are highly correlated");
    }

    [TestMethod]
    public void Claim17_positive_propagation_is_more_class_insensitive_than_gradient_and_gradcam()
    {
        foreach (string positive in new[] { "guided-backprop-positive", "lrp-z-plus", "rectgrad", "excitation-backprop" })
        {
            AssertMoreSimilar(positive, "gradient", "17");
            AssertMoreSimilar(positive, "gradcam-signed", "17");
            // "Highly similar" in absolute terms: Guided BP 0.811, RectGrad 0.835, LRP-z⁺ and EBP 1.000 (Spearman).
            // On the noise inputs only Guided BP and EBP clear 0.9; RectGrad (0.239) and LRP-z⁺ (0.545) do not.
            Assert.IsGreaterThan(0.7, Class(positive).Spearman, $"17: {positive} is class-insensitive");
        }
        // The plain gradient and Grad-CAM are class-sensitive: the two classes' maps are anti-correlated (−0.624, −0.395).
        Assert.IsLessThan(0.0, Class("gradient").Spearman);
        Assert.IsLessThan(0.0, Class("gradcam-signed").Spearman);
    }

    [TestMethod]
    public void Claim18_positive_aggregation_is_more_class_similar_than_its_signed_variant()
    {
        AssertMoreSimilar("fullgrad-absolute", "fullgrad-signed", "18");
        AssertMoreSimilar("gradcam-plus-plus-positive", "gradcam-plus-plus-signed", "18");
        Assert.IsGreaterThan(0.8, Class("fullgrad-absolute").Spearman, "18: FullGrad (abs) is class-insensitive (0.836)");
        // Deviation from the paper: Grad-CAM++ with positive gradients is more class-similar than its signed variant
        // (0.494 vs −0.424) but not "highly" similar; on the noise inputs it is unrelated across classes (−0.066).
        Assert.IsLessThan(0.7, Class("gradcam-plus-plus-positive").Spearman, "18: Grad-CAM++ (pos) is only moderately class-similar");
        Assert.IsGreaterThan(0.0, Class("gradcam-plus-plus-positive").Spearman);
    }

    [TestMethod]
    public void Claim19_gradient_forgets_the_weights_faster_than_guided_backprop()
    {
        foreach (RandomizationCurve curve in s_curves.Values)
        {
            Assert.AreEqual(1, curve.Steps[0].Mean.Spearman, 1e-12, $"{curve.Method}: starts at 1");
            Assert.AreEqual(1, curve.Steps[0].Mean.Ssim, 1e-12, $"{curve.Method}: starts at 1");
        }
        RandomizationCurve gradient = s_curves["gradient"], guided = s_curves["guided-backprop-positive"];
        for (int step = 1; step < gradient.Steps.Count; step++)
        {
            SimilarityScores g = gradient.Steps[step].Mean, b = guided.Steps[step].Mean;
            Assert.IsLessThan(b.Spearman, g.Spearman, $"step {step} ({gradient.Steps[step].Label}): gradient {g.Spearman:F3} < guided BP {b.Spearman:F3}");
            Assert.IsLessThan(b.Ssim, g.Ssim, $"step {step}: SSIM gradient {g.Ssim:F3} < guided BP {b.Ssim:F3}");
        }
        // Gradient drops toward 0 within the top blocks (0.269 after the classifier, ≈ 0 after the next conv); guided BP
        // stays high (0.938, 0.890, 0.839).
        Assert.IsLessThan(0.1, Math.Abs(gradient.Steps[^1].Mean.Spearman));
        Assert.IsGreaterThan(0.8, guided.Steps[^1].Mean.Spearman);
    }
}
