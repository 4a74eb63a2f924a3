using Microsoft.ML.Attribution.Graph;
using Microsoft.ML.Attribution.Graph.Layers;
using Microsoft.ML.Attribution.Methods;
using TorchSharp;
using Microsoft.ML.Attribution.Tensors;
using static TorchSharp.torch;

namespace Microsoft.ML.Attribution.Tests.Methods;

/// <summary>methods.md §8 items 9 and 10, the φ switch, batching, per-row targets and bad input for the CAM methods.</summary>
[TestClass]
public sealed class CamMethodTests : TorchTest
{
    /// <summary>tiny_resnet: the last block's output (16×4×4) feeds GlobalAveragePool → Flatten → fc.</summary>
    private const string LastBlock = "/layer2/Relu_1";

    private static readonly long[] ResnetTargets = [5, 0, 3];

    private static double Largest(Tensor t)
    {
        using Tensor magnitude = t.abs();
        using Tensor max = magnitude.max();
        return max.ItemAs<double>();
    }

    [TestMethod]
    public void Grad_cam_on_a_gap_network_is_cam_divided_by_hw()
    {
        using DisposeScope scope = NewDisposeScope();
        var (network, input) = MethodFixtures.Float64("tiny_resnet_opset13");
        using (network)
        using (input)
        using (var method = new GradCam(network, new GradCamOptions { Layer = LastBlock, Relu = false }))
        using (AttributionMap map = method.Attribute(input, Target.PerRow(ResnetTargets)))
        using (Tape tape = network.Record(input))
        {
            // CAM (Zhou et al. 2016) from an independent forward: Σ_k W_fc[t, k]·A_k.
            Tensor activations = tape.Value(network[LastBlock].Output);
            long hw = activations.shape[2] * activations.shape[3];
            Tensor fcRows = ((Linear)network.Classifier).Weight.index_select(0, tensor(ResnetTargets));
            Tensor cam = (fcRows.reshape(3, 16, 1, 1) * activations).sum(1, keepdim: true);

            AssertClose(fcRows / hw, map.Extras["weights"], 1e-10 * Largest(fcRows / hw), "Grad-CAM weights vs W_fc[t,k]/(h·w)");
            AssertClose(cam / hw, map.Extras["cam"], 1e-10 * Largest(cam / hw), "Grad-CAM (no ReLU) vs CAM/(h·w)");
            CollectionAssert.AreEqual(new long[] { 3, 1, 32, 32 }, map.Map.shape, "Map is upsampled to the input");
        }
    }

    public static IEnumerable<object[]> PlusPlusCases() =>
    [
        ["tiny_vgg_opset13", null!],
        ["tiny_resnet_opset13", null!],
        ["peer", "/features/features.14/MaxPool"],
    ];

    [TestMethod]
    [DynamicData(nameof(PlusPlusCases))]
    public void Grad_cam_plus_plus_weights_are_non_negative_and_the_signed_variant_differs_only_where_gradients_are_negative(string model, string? layer)
    {
        using DisposeScope scope = NewDisposeScope();
        using PeerReference? peer = model == "peer" ? new PeerReference() : null;
        var (network, input) = peer is null ? MethodFixtures.Float64(model) : (peer.Network, peer.Inputs);
        try
        {
            using var positive = new GradCamPlusPlus(network, new GradCamPlusPlusOptions { Layer = layer });
            using var signed = new GradCamPlusPlus(network, new GradCamPlusPlusOptions { Layer = layer, Gradients = GradientHandling.Signed });
            using AttributionMap p = positive.Attribute(input);
            using AttributionMap s = signed.Attribute(input);
            double[] wp = p.Extras["weights"].to(ScalarType.Float64).flatten().ToArray<double>();
            double[] ws = s.Extras["weights"].to(ScalarType.Float64).flatten().ToArray<double>();
            bool[] hasNegative = p.Extras["gradients"].lt(0).flatten(2).any(2).flatten().ToArray<bool>();
            int unchanged = 0, changed = 0;
            for (int i = 0; i < wp.Length; i++)
            {
                Assert.IsTrue(wp[i] >= 0, $"{model}: positive-gradient weight {i} is {wp[i]}");
                if (hasNegative[i])
                {
                    Assert.AreNotEqual(wp[i], ws[i], $"{model}: channel {i} has negative gradients, so the signed weight must differ");
                    changed++;
                }
                else
                {
                    Assert.AreEqual(wp[i], ws[i], $"{model}: channel {i} has no negative gradient, so the weights must be identical");
                    unchanged++;
                }
            }
            TestContext.WriteLine($"{model}: {changed} channel weights changed, {unchanged} identical");
            Assert.IsTrue(changed > 0, $"{model}: the fixture must have channels with negative gradients for this test to mean anything");
        }
        finally
        {
            if (peer is null)
            {
                network.Dispose();
                input.Dispose();
            }
        }
    }

    [TestMethod]
    public void Grad_cam_gradient_switch_splits_the_weights_by_sign()
    {
        using DisposeScope scope = NewDisposeScope();
        var (network, input) = MethodFixtures.Float64("tiny_resnet_opset13");
        using (network)
        using (input)
        {
            Tensor Weights(GradientHandling phi)
            {
                using var method = new GradCam(network, new GradCamOptions { Gradients = phi });
                using AttributionMap map = method.Attribute(input, Target.PerRow(ResnetTargets));
                return map.Extras["weights"].clone();
            }
            Tensor signed = Weights(GradientHandling.Signed), pos = Weights(GradientHandling.Positive);
            Tensor neg = Weights(GradientHandling.Negative), abs = Weights(GradientHandling.Absolute);
            double scale = Largest(abs);
            Assert.IsTrue(pos.ge(0).all().ItemAs<bool>() && neg.le(0).all().ItemAs<bool>(), "φ = max(g,0) gives weights ≥ 0, φ = min(g,0) weights ≤ 0");
            AssertClose(signed, pos + neg, 1e-14 * scale, "signed = positive + negative");
            AssertClose(abs, pos - neg, 1e-14 * scale, "absolute = positive − negative");
            Assert.IsTrue(Largest(neg) > 0, "the fixture has negative gradients");
        }
    }

    /// <summary>Records every report synchronously (Progress&lt;T&gt; would post them to a context).</summary>
    private sealed class CountingProgress : IProgress<double>
    {
        public int Reports { get; private set; }

        public void Report(double value) => Reports++;
    }

    [TestMethod]
    public void Score_cam_gives_the_same_result_under_two_memory_budgets()
    {
        using DisposeScope scope = NewDisposeScope();
        var (network, input) = MethodFixtures.Float64("tiny_vgg_opset13");
        using (network)
        using (input)
        {
            (AttributionMap map, int chunks) Run(long budgetMb)
            {
                var progress = new CountingProgress();
                using var method = new ScoreCam(network, new ScoreCamOptions { MemoryBudgetMb = budgetMb }) { Progress = progress };
                return (method.Attribute(input, 1), progress.Reports);
            }
            var (small, smallChunks) = Run(1);
            var (large, largeChunks) = Run(4096);
            using (small)
            using (large)
            {
                TestContext.WriteLine($"1 MB: {smallChunks} sub-batches; 4096 MB: {largeChunks}");
                Assert.IsTrue(smallChunks > largeChunks, "the two budgets must batch the masked passes differently");
                AssertClose(large.Extras["weights"], small.Extras["weights"], 1e-12, "Score-CAM weights");
                AssertClose(large.Map, small.Map, 1e-12 * Largest(large.Map), "Score-CAM map");
            }
        }
    }

    [TestMethod]
    public void Score_cam_scores_constant_channels_with_one_zero_image_forward_and_matches_forwarding_every_channel()
    {
        using DisposeScope scope = NewDisposeScope();
        var (network, input) = MethodFixtures.Float64("tiny_vgg_opset13");
        using (network)
        {
            Layer camLayer = network.LastConvolutionalBlock;
            var conv = (Conv2d)network.ProducerOf(camLayer.Inputs[0])!;
            conv.Weight.narrow(0, 0, 3).zero_(); // channels 0–2: ReLU(−1) = 0 everywhere, a zero mask
            conv.Bias!.narrow(0, 0, 3).fill_(-1);
            long[] targets = Enumerable.Range(0, (int)input.shape[0]).Select(n => (long)((n + 1) % 2)).ToArray();
            using var method = new ScoreCam(network);
            using AttributionMap map = method.Attribute(input, targets);

            // Every (row, channel) forwarded, as pytorch-grad-cam does.
            Tensor activations;
            using (Tape tape = network.Record(input)) activations = tape.Value(camLayer.Output).alias();
            long rows = input.shape[0], channels = activations.shape[1];
            var logits = new double[rows * channels];
            for (long n = 0; n < rows; n++)
                for (long k = 0; k < channels; k++)
                {
                    using var step = NewDisposeScope();
                    Tensor mask = Maps.MapNormalization.MinMax(Maps.MapResize.ToSizeOf(activations.narrow(0, n, 1).narrow(1, k, 1), input,
                        Maps.MapInterpolation.BilinearAlignCorners), epsilon: method.Options.MaskEpsilon);
                    logits[n * channels + k] = network.ForwardLogits(input.narrow(0, n, 1) * mask).ToArray<double>()[targets[n]];
                }
            Tensor expectedWeights = tensor(logits, [rows, channels], ScalarType.Float64).softmax(1);
            AssertClose(expectedWeights, map.Extras["weights"], 1e-12, "Score-CAM weights");
            double[] weights = map.Extras["weights"].ToArray<double>();
            Assert.AreEqual(weights[0], weights[2], "dead channels share one score");
        }
    }

    /// <summary>The methods that weight one layer's channels (FullGrad uses every biased layer and takes no layer option).</summary>
    public static IEnumerable<object[]> LayerMethods() => [["gradcam"], ["gradcam-plus-plus"], ["scorecam"], ["guided-gradcam"]];

    public static IEnumerable<object[]> Methods() => LayerMethods().Append(["fullgrad"]);

    private static IAttributionMethod Create(string name, Network network, string? layer = null) => name switch
    {
        "gradcam" => new GradCam(network, new GradCamOptions { Layer = layer }),
        "gradcam-plus-plus" => new GradCamPlusPlus(network, new GradCamPlusPlusOptions { Layer = layer }),
        "scorecam" => new ScoreCam(network, new ScoreCamOptions { Layer = layer }),
        "guided-gradcam" => new GuidedGradCam(network, new GuidedGradCamOptions { Layer = layer }),
        _ => new FullGrad(network),
    };

    [TestMethod]
    [DynamicData(nameof(Methods))]
    public void A_batch_with_per_row_targets_equals_each_row_alone(string name)
    {
        using DisposeScope scope = NewDisposeScope();
        var (network, input) = MethodFixtures.Float64("tiny_resnet_opset13");
        using (network)
        using (input)
        using (IAttributionMethod method = Create(name, network))
        using (AttributionMap batch = method.Attribute(input, Target.PerRow(ResnetTargets)))
        {
            Assert.AreEqual(name, method.Name);
            CollectionAssert.AreEqual(ResnetTargets, batch.Targets);
            long channels = name == "guided-gradcam" ? 3 : 1;
            CollectionAssert.AreEqual(new long[] { 3, channels, 32, 32 }, batch.Map.shape, $"{name}: map shape");
            if (name != "fullgrad")
            {
                CollectionAssert.AreEqual(new long[] { 3, 1, 4, 4 }, batch.Extras["cam"].shape, $"{name}: cam at the default layer (last block, 4×4)");
                CollectionAssert.AreEqual(new long[] { 3, 16 }, batch.Extras["weights"].shape, $"{name}: one weight per channel");
            }
            for (int row = 0; row < ResnetTargets.Length; row++)
            {
                using Tensor single = input.narrow(0, row, 1);
                using AttributionMap alone = method.Attribute(single, (int)ResnetTargets[row]);
                using Tensor batchRow = batch.Map.narrow(0, row, 1);
                AssertClose(alone.Map, batchRow, 1e-12 * Math.Max(1, Largest(alone.Map)), $"{name}: row {row} alone vs in the batch");
            }
        }
    }

    [TestMethod]
    [DynamicData(nameof(LayerMethods))]
    public void Unknown_or_non_spatial_layers_are_rejected_clearly(string name)
    {
        var (network, input) = MethodFixtures.Float64("tiny_resnet_opset13");
        using (network)
        using (input)
        {
            var unknown = Assert.ThrowsExactly<ArgumentException>(() => Create(name, network, "/layer9/Relu"));
            StringAssert.Contains(unknown.Message, "'/layer9/Relu'");
            StringAssert.Contains(unknown.Message, LastBlock, "the message lists layers that would work");

            var flat = Assert.ThrowsExactly<ArgumentException>(() => Create(name, network, "/Flatten"));
            StringAssert.Contains(flat.Message, "'/Flatten'");
            StringAssert.Contains(flat.Message, "spatial");
            Assert.ThrowsExactly<ArgumentException>(() => Create(name, network, "/fc/Gemm"));
        }
    }

    [TestMethod]
    public void The_default_layer_is_the_last_convolutional_block()
    {
        var (network, input) = MethodFixtures.Float64("tiny_vgg_opset13");
        using (network)
        using (input)
        using (var method = new GradCam(network))
            Assert.AreEqual(network.LastConvolutionalBlock.Name, method.Layer.Name);
    }
}
