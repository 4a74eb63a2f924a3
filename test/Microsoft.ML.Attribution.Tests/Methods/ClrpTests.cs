using Microsoft.ML.Attribution.Graph;
using Microsoft.ML.Attribution.Graph.Layers;
using Microsoft.ML.Attribution.Methods;
using Microsoft.ML.Attribution.Rules;
using TorchSharp;
using Microsoft.ML.Attribution.Tensors;
using static TorchSharp.torch;

namespace Microsoft.ML.Attribution.Tests.Methods;

/// <summary>methods.md §8 item 14 (CLRP algebra) and the CLRP method's rules and seeds, on float64 fixtures.</summary>
[TestClass]
public sealed class ClrpTests : TorchTest
{
    public static IEnumerable<object[]> Cases() =>
        from model in new[] { "tiny_vgg_opset13", "tiny_resnet_opset13_train" }
        from dual in new[] { 1, 2 }
        select new object[] { model, dual };

    [TestMethod]
    [DynamicData(nameof(Cases))]
    public void Normalized_difference_sums_to_zero_and_its_positive_part_is_half_the_mass(string model, int dual)
    {
        using DisposeScope scope = NewDisposeScope();
        var (network, input) = MethodFixtures.Float64(model);
        using (network)
        using (input)
        using (var clrp = new Clrp(network, new ClrpOptions { Dual = dual }))
        using (AttributionMap map = clrp.Attribute(input))
        {
            Tensor difference = map.Extras["difference"];
            double[] sums = difference.sum([1, 2, 3]).ToArray<double>();
            double[] mass = difference.abs().sum([1, 2, 3]).ToArray<double>();
            double[] positive = map.Map.sum([1, 2, 3]).ToArray<double>();
            for (int n = 0; n < sums.Length; n++)
            {
                Assert.IsGreaterThan(0.0, mass[n], $"row {n}: the two maps differ");
                Assert.AreEqual(0.0, sums[n], 1e-12 * mass[n], $"{model} CLRP{dual} row {n}: Σ(R_t/ΣR_t − R_dual/ΣR_dual)");
                Assert.AreEqual(mass[n] / 2, positive[n], 1e-12 * mass[n], $"{model} CLRP{dual} row {n}: positive part carries half the mass");
            }
            AssertClose(difference.clamp_min(0), map.Map, 0, "map = max(0, difference)");
            CollectionAssert.AreEqual(input.shape, map.Map.shape);
        }
    }

    [TestMethod]
    public void Paper_form_subtracts_the_raw_maps()
    {
        using DisposeScope scope = NewDisposeScope();
        var (network, input) = MethodFixtures.Float64("tiny_vgg_opset13");
        using (network)
        using (input)
        using (var clrp = new Clrp(network, new ClrpOptions { NormalizeBySum = false, ClampNegative = false }))
        using (AttributionMap map = clrp.Attribute(input))
            AssertClose(map.Extras["target"] - map.Extras["dual"], map.Map, 0, "R_t − R_dual");
    }

    [TestMethod]
    public void Target_pass_conserves_the_logit()
    {
        using DisposeScope scope = NewDisposeScope();
        var (network, input) = MethodFixtures.Float64("tiny_vgg_opset13");
        using (network)
        using (input)
        using (var clrp = new Clrp(network))
        using (AttributionMap map = clrp.Attribute(input))
        {
            double[] sums = map.Extras["target"].sum([1, 2, 3]).ToArray<double>();
            for (int n = 0; n < sums.Length; n++)
                Assert.AreEqual(map.Scores[n], sums[n], 1e-6 * Math.Abs(map.Scores[n]), $"row {n}: bias-free z⁺ / z^B conserve z_t");
        }
    }

    [TestMethod]
    public void Clrp2_last_layer_dual_is_z_plus_with_negated_target_weights()
    {
        using DisposeScope scope = NewDisposeScope();
        var (network, input) = MethodFixtures.Float64("tiny_vgg_opset13");
        using (network)
        using (input)
        using (var clrp = new Clrp(network, new ClrpOptions { Dual = 2, MergeBatchNorm = false }))
        using (Tape tape = network.Record(input))
        {
            var classifier = (Linear)network.Classifier;
            string before = classifier.Inputs[0];
            long[] targets = Target.TopPrediction.Resolve(tape.Logits);
            Tensor zt = tape.Logits.gather(1, tensor(targets).reshape(-1, 1));
            Tensor seed = Clrp.DualSeed(tape.Logits, targets, dual: 2);
            using BackwardResult result = Backpropagation.Run(tape, seed, clrp.DualRulesFor(network), capture: [before], stopAt: before);

            Tensor a = tape.Value(before);
            Tensor w = classifier.Weight.index_select(0, tensor(targets)).neg().clamp_min(0); // max(−W_t, 0) per row
            Tensor expected = a * w * zt / ((a * w).sum(1, keepdim: true) + 1e-9);
            AssertClose(expected, result.Captured[before], 1e-12 * expected.abs().max().ItemAs<double>(), "dual relevance at the classifier input");
        }
    }

    [TestMethod]
    public void Dual_seeds_follow_the_code_and_the_paper()
    {
        using DisposeScope scope = NewDisposeScope();
        Tensor logits = tensor(new double[] { 2, -1, 0.5, -3, 1, 4 }, [2, 3]);
        long[] targets = [0, 2];
        CollectionAssert.AreEqual(new double[] { 0, 1, 0.5, 3, 1, 0 }, Clrp.DualSeed(logits, targets).ToArray<double>(), "official: |z_n| off target");
        CollectionAssert.AreEqual(new double[] { 0, 1, 1, 2, 2, 0 }, Clrp.DualSeed(logits, targets, 1, ClrpDualSeed.Uniform).ToArray<double>(), "uniform: z_t/(K−1)");
        CollectionAssert.AreEqual(new double[] { 2, 0, 0, 0, 0, 4 }, Clrp.DualSeed(logits, targets, 2).ToArray<double>(), "CLRP2: z_t at t");
    }

    [TestMethod]
    public void Tied_maxima_share_a_window_and_single_winners_take_all()
    {
        using DisposeScope scope = NewDisposeScope();
        using var pool = new MaxPool2d("pool", "x", "y", [2, 2], [2, 2], [0, 0, 0, 0], [1, 1], false);
        Tensor x = tensor(new double[] { 1, 3, 0, 0, 3, 2, 0, 0, 5, 1, 2, 2, 0, 0, 2, 2 }, [1, 1, 4, 4]);
        var trace = new LayerTrace(pool) { Inputs = [x] };
        trace.Output = pool.Forward([x], trace);
        Tensor relevance = tensor(new double[] { 6, 4, 7, 8 }, [1, 1, 2, 2]);
        double[] expected = [0, 3, 1, 1, 3, 0, 1, 1, 7, 0, 2, 2, 0, 0, 2, 2]; // a tie of zeros shares too
        CollectionAssert.AreEqual(expected, TiedMaxPoolRule.Instance.Backward(trace, relevance)[0].flatten().ToArray<double>());

        using var g = RandomGenerators.FromSeed(3);
        var overlapping = new MaxPool2d("overlap", "x", "y", [3, 3], [2, 2], [1, 1, 1, 1], [1, 1], true);
        Tensor noisy = randn([2, 3, 7, 7], ScalarType.Float64, generator: g);
        var noisyTrace = new LayerTrace(overlapping) { Inputs = [noisy] };
        noisyTrace.Output = overlapping.Forward([noisy], noisyTrace);
        Tensor r = randn(noisyTrace.Output.shape, ScalarType.Float64, generator: g);
        AssertClose(GradientRule.Instance.Backward(noisyTrace, r)[0], TiedMaxPoolRule.Instance.Backward(noisyTrace, r)[0], 1e-12,
            "no ties: the recorded winner (overlapping, padded, ceil mode)");
        noisyTrace.Indices?.Dispose();
        trace.Indices?.Dispose();
    }

    [TestMethod]
    public void Runs_in_float32_on_the_trained_shapes_model()
    {
        using DisposeScope scope = NewDisposeScope();
        using var peer = new PeerReference();
        using var clrp = new Clrp(peer.Network, new ClrpOptions { Low = [0], High = [1] }); // its inputs are pixels in [0, 1]
        using AttributionMap map = clrp.Attribute(peer.Inputs, Target.PerRow(peer.Targets));
        Assert.AreEqual(ScalarType.Float32, map.Map.dtype);
        Assert.IsTrue(map.Map.isfinite().all().ItemAs<bool>(), "finite map");
        Assert.IsGreaterThan(0.0, map.Map.sum().ItemAs<float>(), "some positive contrast");
    }

    [TestMethod]
    public void Bad_input_gives_clear_errors()
    {
        var (network, input) = MethodFixtures.Float64("tiny_vgg_opset13");
        using (network)
        using (input)
            StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => new Clrp(network, new ClrpOptions { Dual = 3 })).Message, "3");
        var (misc, miscInput) = MethodFixtures.Float64("tiny_misc_opset13");
        using (misc)
        using (miscInput)
            StringAssert.Contains(Assert.ThrowsExactly<NotSupportedException>(() => new Clrp(misc)).Message, "Sigmoid");
    }
}
