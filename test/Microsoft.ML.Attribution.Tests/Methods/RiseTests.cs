using Microsoft.ML.Attribution.Methods;
using TorchSharp;
using Microsoft.ML.Attribution.Tensors;
using static TorchSharp.torch;

namespace Microsoft.ML.Attribution.Tests.Methods;

/// <summary>RISE: seeded determinism, the mask construction and saliency against the Debian-torch reference, bad options.</summary>
[TestClass]
public sealed class RiseTests : TorchTest
{
    [TestMethod]
    public void Rise_defaults_are_the_papers()
    {
        var options = new RiseOptions();
        Assert.AreEqual(4000, options.MaskCount);
        Assert.AreEqual(7, options.GridSize);
        Assert.AreEqual(0.5, options.Probability);
        Assert.AreEqual(PerturbationScore.Probability, options.Score);
    }

    [TestMethod]
    public void Rise_is_deterministic_for_a_seed_whatever_the_memory_budget()
    {
        using DisposeScope scope = NewDisposeScope();
        var (network, input) = MethodFixtures.Float64("tiny_vgg_opset13");
        using (network)
        using (input)
        {
            var options = new RiseOptions { MaskCount = 60, GridSize = 4, Seed = 3 };
            using var first = new Rise(network, options);
            using var again = new Rise(network, options);
            using var narrow = new Rise(network, options with { MemoryBudgetMb = 1 });
            using var otherSeed = new Rise(network, options with { Seed = 4 });
            using AttributionMap a = first.Attribute(input);
            using AttributionMap b = again.Attribute(input);
            using AttributionMap c = narrow.Attribute(input);
            using AttributionMap d = otherSeed.Attribute(input);
            CollectionAssert.AreEqual(new long[] { input.shape[0], 1, input.shape[2], input.shape[3] }, a.Map.shape);
            Assert.AreEqual(0.0, MaxAbsDiff(a.Map, b.Map), "same seed, same map");
            double scale = a.Map.abs().max().ItemAs<double>();
            AssertClose(a.Map, c.Map, 1e-12 * scale, "same seed, smaller sub-batches");
            Assert.IsGreaterThan(1e-3 * scale, MaxAbsDiff(a.Map, d.Map), "another seed draws other masks");
        }
    }

    [TestMethod]
    public void Generated_masks_are_smooth_grids_kept_with_probability_p()
    {
        using DisposeScope scope = NewDisposeScope();
        Tensor masks = Rise.GenerateMasks(new RiseOptions { MaskCount = 500, Probability = 0.3, Seed = 1 }, 48, 40);
        CollectionAssert.AreEqual(new long[] { 500, 1, 48, 40 }, masks.shape);
        Assert.IsGreaterThanOrEqualTo(0.0, masks.min().ItemAs<double>());
        Assert.IsLessThanOrEqualTo(1.0 + 1e-9, masks.max().ItemAs<double>());
        Assert.AreEqual(0.3, masks.mean().ItemAs<double>(), 0.03, "mean mask value ≈ p");
        Tensor again = Rise.GenerateMasks(new RiseOptions { MaskCount = 500, Probability = 0.3, Seed = 1 }, 48, 40);
        Assert.AreEqual(0.0, MaxAbsDiff(masks, again));
    }

    [TestMethod]
    public void Masks_from_grids_match_the_python_construction()
    {
        using DisposeScope scope = NewDisposeScope();
        Tensor grids = MethodReference.Load("rise_grids"), shifts = MethodReference.Load("rise_shifts");
        Tensor expected = MethodReference.Load("rise_masks_head");
        long count = expected.shape[0];
        Tensor masks = Rise.MasksFromGrids(grids.narrow(0, 0, count), shifts.narrow(0, 0, count), 64, 64);
        AssertClose(expected, masks, 1e-6, "RISE masks (bilinear, mirrored border, shifted crop)");
    }

    [TestMethod]
    public void Rise_matches_the_python_reference_on_probabilities() => AssertMatchesReference("rise_probability", PerturbationScore.Probability);

    [TestMethod]
    public void Rise_matches_the_python_reference_on_logits() => AssertMatchesReference("rise_logit", PerturbationScore.Logit);

    [TestMethod]
    public void Rise_rejects_bad_options()
    {
        var (network, input) = MethodFixtures.Float64("tiny_vgg_opset13");
        using (network)
        using (input)
        {
            foreach (double p in new[] { 0.0, 1.0, -0.2, 1.5, double.NaN })
                StringAssert.Contains(Assert.Throws<ArgumentException>(() => new Rise(network, new RiseOptions { Probability = p })).Message, "between 0 and 1");
            Assert.Throws<ArgumentException>(() => new Rise(network, new RiseOptions { MaskCount = 0 }));
            Assert.Throws<ArgumentException>(() => new Rise(network, new RiseOptions { GridSize = 0 }));
            using Tensor wrongSize = ones([4, 1, 3, 3], ScalarType.Float64);
            using var method = new Rise(network, new RiseOptions { Masks = wrongSize });
            StringAssert.Contains(Assert.Throws<ArgumentException>(() => method.Attribute(input)).Message, "RISE masks must be");
        }
    }

    private void AssertMatchesReference(string reference, PerturbationScore score)
    {
        using DisposeScope scope = NewDisposeScope();
        using var peer = new PeerReference();
        Tensor grids = MethodReference.Load("rise_grids"), shifts = MethodReference.Load("rise_shifts");
        Tensor masks = Rise.MasksFromGrids(grids, shifts, 64, 64);
        using var method = new Rise(peer.Network, new RiseOptions { Masks = masks, Probability = 0.5, Score = score });
        using AttributionMap map = method.Attribute(peer.Inputs, Target.PerRow(peer.Targets));
        Tensor expected = MethodReference.Load(reference);
        double scale = expected.abs().max().ItemAs<float>();
        AssertClose(expected, map.Map, 1e-4 * scale, $"RISE vs {reference}");
    }
}
