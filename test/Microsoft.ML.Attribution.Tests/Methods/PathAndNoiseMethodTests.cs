using Microsoft.ML.Attribution.Methods;
using TorchSharp;
using Microsoft.ML.Attribution.Tensors;
using static TorchSharp.torch;

namespace Microsoft.ML.Attribution.Tests.Methods;

/// <summary>Integrated Gradients and SmoothGrad: Captum's values, completeness (§8 item 6), σ = 0 (item 7), batching.</summary>
[TestClass]
public sealed class PathAndNoiseMethodTests : TorchTest
{
    [TestMethod]
    public void Integrated_gradients_gauss_legendre_matches_captum()
    {
        using DisposeScope scope = NewDisposeScope();
        using var peer = new PeerReference();
        using var ig = new IntegratedGradients(peer.Network, new IntegratedGradientsOptions { Steps = 32, Quadrature = Quadrature.GaussLegendre });
        using AttributionMap map = ig.Attribute(peer.Inputs, Target.PerRow(peer.Targets));
        Tensor expected = PeerReference.Load("IntegratedGradientsGL.npy");
        double scale = expected.abs().max().ItemAs<float>();
        AssertCloseUpToGateFlips(expected, map.Map, 1e-4 * scale, 1e-2 * scale, "IG Gauss–Legendre 32");
    }

    [TestMethod]
    public void Integrated_gradients_trapezoid_matches_captum_after_its_weight_convention()
    {
        using DisposeScope scope = NewDisposeScope();
        using var peer = new PeerReference();
        const int n = 32;
        using var ig = new IntegratedGradients(peer.Network, new IntegratedGradientsOptions { Steps = n, Quadrature = Quadrature.RiemannTrapezoid });
        using AttributionMap map = ig.Attribute(peer.Inputs, Target.PerRow(peer.Targets));
        // Captum's riemann_trapezoid uses weights 1/n (ends halved), summing to 1 − 1/n; ours sum to 1 (1/(n−1), ends halved).
        Tensor captumConvention = map.Map * ((n - 1.0) / n);
        Tensor expected = PeerReference.Load("IntegratedGradients.npy");
        // The trapezoid also evaluates the all-zero baseline, where max-pool windows tie exactly.
        double scale = expected.abs().max().ItemAs<float>();
        AssertCloseUpToGateFlips(expected, captumConvention, 1e-4 * scale, 1e-2 * scale, "IG trapezoid 32");
    }

    [TestMethod]
    public void Integrated_gradients_completeness_improves_with_steps_and_vanishes_at_the_baseline()
    {
        using DisposeScope scope = NewDisposeScope();
        var (network, input) = MethodFixtures.Float64("tiny_resnet_opset13");
        using (network)
        {
            double previous = double.MaxValue;
            foreach (int steps in new[] { 4, 16, 64 })
            {
                using var ig = new IntegratedGradients(network, new IntegratedGradientsOptions { Steps = steps, Quadrature = Quadrature.RiemannMiddle });
                using AttributionMap map = ig.Attribute(input);
                double error = map.Extras["relative_delta"].max().ItemAs<double>();
                Assert.IsLessThan(previous, error, $"completeness error with {steps} steps");
                previous = error;
            }
            using var atBaseline = new IntegratedGradients(network, new IntegratedGradientsOptions { Baseline = BaselineKind.Custom, CustomBaseline = input });
            using AttributionMap zero = atBaseline.Attribute(input);
            Assert.AreEqual(0.0, zero.Map.abs().max().ItemAs<double>(), "IG with x' = x");
        }
    }

    [TestMethod]
    public void Integrated_gradients_reaches_a_completeness_target_and_is_independent_of_batching()
    {
        using DisposeScope scope = NewDisposeScope();
        using var peer = new PeerReference();
        using var adaptive = new IntegratedGradients(peer.Network, new IntegratedGradientsOptions { Steps = 8, TargetCompleteness = 0.01 });
        using AttributionMap map = adaptive.Attribute(peer.Inputs, Target.PerRow(peer.Targets));
        Assert.IsLessThanOrEqualTo(0.01, map.Extras["relative_delta"].max().ItemAs<double>());
        TestContext.WriteLine($"steps used for ≤ 1% completeness: {map.Extras["steps"].ItemAs<double>()}");

        // float64: oneDNN's float32 convolutions pick algorithms by batch size, which moves last bits.
        var (network, input) = MethodFixtures.Float64("tiny_resnet_opset13");
        using (network)
        {
            using var small = new IntegratedGradients(network, new IntegratedGradientsOptions { Steps = 8, MemoryBudgetMb = 1 });
            using var large = new IntegratedGradients(network, new IntegratedGradientsOptions { Steps = 8, MemoryBudgetMb = 4096 });
            using AttributionMap a = small.Attribute(input);
            using AttributionMap b = large.Attribute(input);
            AssertClose(b.Map, a.Map, 1e-12, "sub-batching");
        }
    }

    [TestMethod]
    [DataRow("tiny_resnet_opset13")]
    [DataRow("tiny_vgg_opset13")]
    public void Adaptive_refinement_meets_the_target_with_fewer_evaluations_than_doubling(string fixture)
    {
        using DisposeScope scope = NewDisposeScope();
        var (network, input) = MethodFixtures.Float64(fixture);
        using (network)
        {
            const double goal = 1e-3;
            var progress = new List<double>();
            using var adaptive = new IntegratedGradients(network, new IntegratedGradientsOptions { Steps = 4, TargetCompleteness = goal, MaxSteps = 4096, StrictCompleteness = true })
            {
                Progress = new ImmediateProgress(progress.Add),
            };
            using AttributionMap a = adaptive.Attribute(input);
            double[] adaptiveErrors = a.Extras["relative_delta"].ToArray<double>();
            double[] panels = a.Extras["steps_per_row"].ToArray<double>();
            Assert.IsTrue(adaptiveErrors.All(e => e <= goal), $"adaptive errors {string.Join(", ", adaptiveErrors)}");
            double adaptiveEvaluations = panels.Sum(p => p + 1);

            using var doubling = new IntegratedGradients(network, new IntegratedGradientsOptions
            {
                Steps = 4, TargetCompleteness = goal, MaxSteps = 4096, Refinement = IntegratedGradientsRefinement.Doubling, Quadrature = Quadrature.RiemannTrapezoid,
            });
            using AttributionMap d = doubling.Attribute(input);
            Assert.IsLessThanOrEqualTo(goal, d.Extras["relative_delta"].max().ItemAs<double>());
            double finalSteps = d.Extras["steps"].ItemAs<double>();
            double doublingEvaluations = 0;
            for (double steps = 4; steps <= finalSteps; steps *= 2) doublingEvaluations += steps * input.shape[0];
            TestContext.WriteLine($"{fixture}: adaptive {adaptiveEvaluations} evaluations (panels per row {string.Join(", ", panels)}); doubling {doublingEvaluations} (to {finalSteps} steps)");
            Assert.IsLessThan(doublingEvaluations, adaptiveEvaluations, "adaptive placement needs fewer gradient evaluations");

            // The adaptive map approximates the same integral: close to a fine Gauss–Legendre rule.
            using var fine = new IntegratedGradients(network, new IntegratedGradientsOptions { Steps = 2048 });
            using AttributionMap reference = fine.Attribute(input);
            double relative = (a.Map - reference.Map).norm().ItemAs<double>() / reference.Map.norm().ItemAs<double>();
            double doublingDistance = (d.Map - reference.Map).norm().ItemAs<double>() / reference.Map.norm().ItemAs<double>();
            TestContext.WriteLine($"relative L2 distance to GL-2048: adaptive {relative:E2}, doubling {doublingDistance:E2}");
            // As accurate as doubling to the same target (measured: tiny_resnet 1.7e-3 vs 2.1e-3, tiny_vgg 5.8e-4 vs 5.3e-4).
            Assert.IsLessThan(Math.Max(2 * doublingDistance, 1e-3), relative, "adaptive map vs GL-2048");
            Assert.IsTrue(a.Extras["panel_error"].ToArray<double>().All(e => e <= goal), "the summed panel errors meet the target");

            // The default stops on the completeness error itself: fewer points still, the target met.
            using var loose = new IntegratedGradients(network, new IntegratedGradientsOptions { Steps = 4, TargetCompleteness = goal, MaxSteps = 4096 });
            using AttributionMap l = loose.Attribute(input);
            Assert.IsTrue(l.Extras["relative_delta"].ToArray<double>().All(e => e <= goal));
            double looseEvaluations = l.Extras["steps_per_row"].ToArray<double>().Sum(p => p + 1);
            TestContext.WriteLine($"non-strict: {looseEvaluations} evaluations");
            Assert.IsLessThanOrEqualTo(adaptiveEvaluations, looseEvaluations);

            // Refinement decisions are per row, so sub-batching cannot change them (12 panels at most: within what a
            // 1 MB budget may keep, so only the sub-batches differ).
            IntegratedGradientsOptions capped = new() { Steps = 4, TargetCompleteness = goal, MaxSteps = 12, StrictCompleteness = true };
            using var small = new IntegratedGradients(network, capped with { MemoryBudgetMb = 1 });
            using var large = new IntegratedGradients(network, capped with { MemoryBudgetMb = 4096 });
            using AttributionMap b = small.Attribute(input);
            using AttributionMap c = large.Attribute(input);
            AssertClose(c.Map, b.Map, 1e-12, "adaptive IG under a 1 MB budget");
            Assert.IsTrue(progress.Count > 0 && progress.Zip(progress.Skip(1)).All(p => p.First <= p.Second) && progress[^1] == 1, "progress rises to 1");

            // Every point's gradient is kept: the budget caps the points per row.
            using var tight = new IntegratedGradients(network, new IntegratedGradientsOptions { Steps = 4, TargetCompleteness = 1e-9, MaxSteps = 4096, MemoryBudgetMb = 1 });
            using AttributionMap t = tight.Attribute(input);
            double pointBytes = input.numel() / input.shape[0] * 8.0;
            double keepable = Math.Floor(1024 * 1024 / (pointBytes * input.shape[0]));
            Assert.IsLessThanOrEqualTo(keepable - 1, t.Extras["steps"].ItemAs<double>(), "panels per row under a 1 MB budget");
        }
    }

    [TestMethod]
    public void Smoothgrad_with_captums_noise_matches_captum()
    {
        using DisposeScope scope = NewDisposeScope();
        using var peer = new PeerReference();
        Tensor noise = PeerReference.Load("smoothgrad_noise.npy");
        using var method = new SmoothGrad(new Gradient(peer.Network), new SmoothGradOptions { Samples = 16, Noise = noise }, ownsInner: true);
        using AttributionMap map = method.Attribute(peer.Inputs, Target.PerRow(peer.Targets));
        Tensor expected = PeerReference.Load("SmoothGrad.npy");
        double scale = expected.abs().max().ItemAs<float>();
        AssertCloseUpToGateFlips(expected, map.Map, 1e-4 * scale, 1e-2 * scale, "SmoothGrad (16 samples, Captum's noise)");
    }

    [TestMethod]
    public void Smoothgrad_without_noise_equals_the_gradient_and_vargrad_is_non_negative()
    {
        using DisposeScope scope = NewDisposeScope();
        var (network, input) = MethodFixtures.Float64("tiny_vgg_opset13");
        using (network)
        {
            using var gradient = new Gradient(network);
            using var smooth = new SmoothGrad(gradient, new SmoothGradOptions { Samples = 3, Sigma = 0 });
            using AttributionMap a = gradient.Attribute(input);
            using AttributionMap b = smooth.Attribute(input);
            AssertClose(a.Map, b.Map, 1e-12, "SmoothGrad σ = 0");

            using var vargrad = new SmoothGrad(gradient, new SmoothGradOptions { Samples = 5, Aggregation = NoiseAggregation.VarGrad, Seed = 3 });
            using AttributionMap v = vargrad.Attribute(input);
            Assert.IsGreaterThanOrEqualTo(-1e-15, v.Map.min().ItemAs<double>());
            using var again = new SmoothGrad(gradient, new SmoothGradOptions { Samples = 5, Aggregation = NoiseAggregation.VarGrad, Seed = 3 });
            using AttributionMap w = again.Attribute(input);
            AssertClose(v.Map, w.Map, 0, "seeded noise is reproducible");
        }
    }
}
