using Microsoft.ML.Attribution.Graph;
using Microsoft.ML.Attribution.Graph.Layers;
using Microsoft.ML.Attribution.Methods;
using TorchSharp;
using Microsoft.ML.Attribution.Tensors;
using static TorchSharp.torch;

namespace Microsoft.ML.Attribution.Tests.Methods;

/// <summary>Occlusion: batching invariance, an analytic linear model, the Debian-torch reference, progress and bad options.</summary>
[TestClass]
public sealed class OcclusionTests : TorchTest
{
    [TestMethod]
    public void Occlusion_gives_the_same_map_under_any_memory_budget()
    {
        using DisposeScope scope = NewDisposeScope();
        var (network, input) = MethodFixtures.Float64("tiny_vgg_opset13");
        using (network)
        using (input)
        {
            // 5 × 8 windows × 3 rows; 1 MB holds a few rows of this network, so the narrow run uses dozens of sub-batches.
            var options = new OcclusionOptions { WindowHeight = 4, WindowWidth = 3, StrideHeight = 3, StrideWidth = 2, Score = PerturbationScore.Probability };
            using var wide = new Occlusion(network, options with { MemoryBudgetMb = 2048 });
            using var narrow = new Occlusion(network, options with { MemoryBudgetMb = 1 });
            using AttributionMap a = wide.Attribute(input);
            using AttributionMap b = narrow.Attribute(input);
            CollectionAssert.AreEqual(new long[] { input.shape[0], 1, input.shape[2], input.shape[3] }, a.Map.shape);
            double scale = a.Map.abs().max().ItemAs<double>();
            Assert.IsGreaterThan(0.0, scale);
            AssertClose(a.Map, b.Map, 1e-12 * scale, "one batch vs many sub-batches");
        }
    }

    [TestMethod]
    public void Occlusion_of_a_linear_model_averages_the_window_contributions()
    {
        // f(x) = W·vec(x) + b: occluding a window changes logit t by Σ_{c,(y,x) ∈ window} W[t,c,y,x]·(x − baseline_c).
        const int channels = 2, height = 5, width = 7, classes = 3, windowH = 2, windowW = 3, strideH = 1, strideW = 2;
        using DisposeScope scope = NewDisposeScope();
        using var g = RandomGenerators.FromSeed(11);
        Tensor weight = randn([classes, channels * height * width], ScalarType.Float64, generator: g);
        using var network = new Network(
            [
                new Reshape("flatten", "x", "f", [channels * height * width], "Flatten"),
                new Linear("fc", "f", "y", weight.clone().DetachFromDisposeScope(), randn([classes], ScalarType.Float64, generator: g).DetachFromDisposeScope()),
            ],
            [new GraphInput("x", [channels, height, width], ScalarType.Float64)], ["y"]);
        Tensor x = randn([2, channels, height, width], ScalarType.Float64, generator: g);
        double[] baseline = [0.5, -1];
        using var method = new Occlusion(network, new OcclusionOptions
        {
            WindowHeight = windowH, WindowWidth = windowW, StrideHeight = strideH, StrideWidth = strideW, ChannelBaseline = baseline,
        });
        using AttributionMap map = method.Attribute(x, Target.PerRow([2, 0]));

        double[] w = weight.ToArray<double>(), xs = x.ToArray<double>();
        var expected = new double[2 * height * width];
        var covered = new int[height * width];
        int[] tops = [0, 1, 2, 3], lefts = [0, 2, 4]; // ⌈(5−2)/1⌉+1 and ⌈(7−3)/2⌉+1 windows, the last ones reaching the border
        for (int row = 0; row < 2; row++)
        {
            long t = map.Targets[row];
            foreach (int top in tops)
                foreach (int left in lefts)
                {
                    double drop = 0;
                    for (int c = 0; c < channels; c++)
                        for (int yy = top; yy < top + windowH; yy++)
                            for (int xx = left; xx < left + windowW; xx++)
                            {
                                int pixel = (c * height + yy) * width + xx;
                                drop += w[t * channels * height * width + pixel] * (xs[row * channels * height * width + pixel] - baseline[c]);
                            }
                    for (int yy = top; yy < top + windowH; yy++)
                        for (int xx = left; xx < left + windowW; xx++)
                        {
                            expected[(row * height + yy) * width + xx] += drop;
                            if (row == 0) covered[yy * width + xx]++;
                        }
                }
        }
        for (int i = 0; i < expected.Length; i++) expected[i] /= covered[i % (height * width)];
        AssertClose(tensor(expected, [2, 1, height, width]), map.Map, 1e-12, "occlusion of a linear model");
    }

    [TestMethod]
    public void Occlusion_matches_the_python_reference_on_logits() =>
        AssertMatchesReference("occlusion_logit", new OcclusionOptions { WindowHeight = 12, WindowWidth = 12, StrideHeight = 8, StrideWidth = 8 });

    [TestMethod]
    public void Occlusion_matches_the_python_reference_on_probabilities_with_a_channel_baseline() =>
        AssertMatchesReference("occlusion_probability", new OcclusionOptions
        {
            WindowHeight = 11, WindowWidth = 9, StrideHeight = 5, StrideWidth = 4, ChannelBaseline = [0.1, -0.2, 0.3], Score = PerturbationScore.Probability,
        });

    [TestMethod]
    public void Occlusion_reports_progress_and_can_be_cancelled()
    {
        var (network, input) = MethodFixtures.Float64("tiny_vgg_opset13");
        using (network)
        using (input)
        {
            var options = new OcclusionOptions { WindowHeight = 4, WindowWidth = 4, StrideHeight = 2, StrideWidth = 2, MemoryBudgetMb = 1 };
            var reports = new List<double>();
            using (var method = new Occlusion(network, options) { Progress = new ImmediateProgress(reports.Add) })
            using (method.Attribute(input)) { }
            Assert.IsGreaterThan(1, reports.Count, "several sub-batches");
            Assert.AreEqual(1.0, reports[^1], 1e-12);
            CollectionAssert.AreEqual(reports.Order().ToList(), reports, "progress only grows");

            using var cancellation = new CancellationTokenSource();
            using var cancelled = new Occlusion(network, options) { Progress = new ImmediateProgress(_ => cancellation.Cancel()) };
            Assert.Throws<OperationCanceledException>(() => cancelled.Attribute(input, cancellation: cancellation.Token));
        }
    }

    [TestMethod]
    public void Occlusion_rejects_bad_windows()
    {
        var (network, input) = MethodFixtures.Float64("tiny_vgg_opset13");
        using (network)
        using (input)
        {
            long height = input.shape[2];
            using (var tooTall = new Occlusion(network, new OcclusionOptions { WindowHeight = (int)height + 1, WindowWidth = 2, StrideHeight = 1, StrideWidth = 1 }))
                StringAssert.Contains(Assert.Throws<ArgumentException>(() => tooTall.Attribute(input)).Message, "larger than the image");
            using (var gaps = new Occlusion(network, new OcclusionOptions { WindowHeight = 2, WindowWidth = 2, StrideHeight = 3, StrideWidth = 1 }))
                StringAssert.Contains(Assert.Throws<ArgumentException>(() => gaps.Attribute(input)).Message, "never occluded");
            Assert.Throws<ArgumentException>(() => new Occlusion(network, new OcclusionOptions { WindowWidth = 0 }));
            Assert.Throws<ArgumentException>(() => new Occlusion(network, new OcclusionOptions { StrideHeight = -1 }));
            Assert.Throws<ArgumentException>(() => new Occlusion(network, new OcclusionOptions { ChannelBaseline = [0, 0] }));
        }
    }

    private void AssertMatchesReference(string reference, OcclusionOptions options)
    {
        using DisposeScope scope = NewDisposeScope();
        using var peer = new PeerReference();
        using var method = new Occlusion(peer.Network, options);
        using AttributionMap map = method.Attribute(peer.Inputs, Target.PerRow(peer.Targets));
        Tensor expected = MethodReference.Load(reference);
        double scale = expected.abs().max().ItemAs<float>();
        AssertClose(expected, map.Map, 1e-4 * scale, $"occlusion vs {reference}");
    }
}
