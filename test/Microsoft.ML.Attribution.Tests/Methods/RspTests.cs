using Microsoft.ML.Attribution.Graph;
using Microsoft.ML.Attribution.Graph.Layers;
using Microsoft.ML.Attribution.Methods;
using Microsoft.ML.Attribution.Rules;
using TorchSharp;
using Microsoft.ML.Attribution.Tensors;
using static TorchSharp.torch;

namespace Microsoft.ML.Attribution.Tests.Methods;

/// <summary>methods.md §8 items 12–13 (RSP conservation and weight independence) and the RSP method, on float64 fixtures.</summary>
[TestClass]
public sealed class RspTests : TorchTest
{
    public static IEnumerable<object[]> VggModels() => new[] { "tiny_vgg_opset13", "tiny_vgg_opset13_train" }.Select(m => new object[] { m });

    public static IEnumerable<object[]> ResNetModels() => new[] { "tiny_resnet_opset13", "tiny_resnet_opset13_train" }.Select(m => new object[] { m });

    [TestMethod]
    [DynamicData(nameof(VggModels))]
    public void Release_rules_conserve_the_start_relevance_at_every_layer(string model)
    {
        using DisposeScope scope = NewDisposeScope();
        var (network, input) = MethodFixtures.Float64(model);
        using (network)
        using (input)
        using (var rsp = new Rsp(network))
        using (AttributionMap map = rsp.Attribute(input))
        using (Tape tape = network.Record(input))
        {
            Tensor start = map.Extras["start"];
            double[] maxima = start.amax([1, 2, 3]).ToArray<double>();
            foreach (double max in maxima) Assert.AreEqual(1.0, max, 1e-6, "the release start relevance peaks at 1");

            string[] values = network.Layers.Select(l => l.Output).Append(network.InputNames[0]).ToArray();
            using BackwardResult result = Backpropagation.RunFrom(tape, rsp.StartLayer.Output, start, Rsp.Rules(network, purge: false).For(network), capture: values);
            double[] expected = start.sum([1, 2, 3]).ToArray<double>();
            Assert.IsGreaterThan(3, result.Captured.Count, "relevance passed several layers");
            foreach (var (value, relevance) in result.Captured)
            {
                double[] sums = relevance.sum([1, 2, 3]).ToArray<double>();
                for (int n = 0; n < sums.Length; n++)
                    Assert.AreEqual(expected[n], sums[n], 1e-10 * Math.Abs(expected[n]), $"{model} row {n}: Σ R at '{value}'");
            }
            AssertClose(result.Input!, map.Map, 1e-12, "the method's map is this propagation");
        }
    }

    [TestMethod]
    [DynamicData(nameof(VggModels))]
    public void Output_is_signed(string model)
    {
        using DisposeScope scope = NewDisposeScope();
        var (network, input) = MethodFixtures.Float64(model);
        using (network)
        using (input)
        using (var rsp = new Rsp(network))
        using (AttributionMap map = rsp.Attribute(input))
        {
            Tensor perPixel = map.Map.sum(1);
            Assert.IsGreaterThan(0.0, perPixel.max().ItemAs<double>(), "target evidence");
            Assert.IsLessThan(0.0, perPixel.min().ItemAs<double>(), "hostile evidence");
            Tensor positive = map.Extras["positive"];
            Assert.AreEqual(1.0, positive.max().ItemAs<double>(), 1e-12, "the localization map is normalized to 1");
            Assert.AreEqual(0.0, positive.min().ItemAs<double>(), "and non-negative");
        }
    }

    [TestMethod]
    [DynamicData(nameof(ResNetModels))]
    public void ResNet_path_conserves_the_start_relevance(string model)
    {
        using DisposeScope scope = NewDisposeScope();
        var (network, input) = MethodFixtures.Float64(model);
        using (network)
        using (input)
        using (var rsp = new Rsp(network))
        using (AttributionMap map = rsp.Attribute(input))
        {
            double[] expected = map.Extras["start"].sum([1, 2, 3]).ToArray<double>();
            double[] sums = map.Map.sum([1, 2, 3]).ToArray<double>();
            // Exact up to the 1e-9 offsets of the residual split reaching 1×1 convolutions over all-zero patches.
            for (int n = 0; n < sums.Length; n++)
                Assert.AreEqual(expected[n], sums[n], 1e-6 * Math.Abs(expected[n]), $"{model} row {n}: Σ R input vs start");
        }
    }

    [TestMethod]
    [DataRow(false)]
    [DataRow(true)]
    public void Inner_convolution_rule_conserves_and_ignores_the_weights(bool purge)
    {
        using DisposeScope scope = NewDisposeScope();
        var (network, input) = MethodFixtures.Float64("tiny_vgg_opset13");
        using (network)
        using (input)
        using (Tape tape = network.Record(input))
        using (var g = RandomGenerators.FromSeed(21))
        {
            int index = Array.FindLastIndex(network.Layers.ToArray(), l => l is Conv2d);
            LayerTrace trace = tape[index];
            var conv = (Conv2d)trace.Layer;
            Tensor relevance = randn(trace.Output.shape, ScalarType.Float64, generator: g);
            var rule = new RspConvRule(purge);
            Tensor r = rule.Backward(trace, relevance)[0];
            AssertClose(relevance.sum([1, 2, 3]), r.sum([1, 2, 3]), 1e-10 * relevance.abs().sum().ItemAs<double>(), "Σ R_in = Σ R (uniform shift)");

            // §8 item 13: other weights of the same shape, the same recorded activations → the same relevance.
            using var other = new Conv2d("other", conv.Inputs[0], conv.Output, randn(conv.Weight.shape, ScalarType.Float64, generator: g).DetachFromDisposeScope(),
                null, conv.Stride, conv.Padding, conv.Dilation, conv.Groups);
            var otherTrace = new LayerTrace(other) { Inputs = trace.Inputs, Output = trace.Output };
            AssertClose(r, rule.Backward(otherTrace, relevance)[0], 1e-12, "inner rule with replaced weights");
        }
    }

    [TestMethod]
    public void Pointwise_convolutions_propagate_both_sections_without_shift()
    {
        using DisposeScope scope = NewDisposeScope();
        using var g = RandomGenerators.FromSeed(8);
        Tensor x = rand([2, 4, 5, 5], ScalarType.Float64, generator: g); // positive activations: no all-zero patches
        using var conv = new Conv2d("pointwise", "x", "y", randn([6, 4, 1, 1], ScalarType.Float64, generator: g).DetachFromDisposeScope(), null, [1, 1], [0, 0, 0, 0], [1, 1], 1);
        var trace = new LayerTrace(conv) { Inputs = [x], Output = conv.Forward([x], null) };
        Tensor relevance = randn([2, 6, 5, 5], ScalarType.Float64, generator: g);
        Tensor r = new RspConvRule().Backward(trace, relevance)[0];
        AssertClose(relevance.sum([1, 2, 3]), r.sum([1, 2, 3]), 1e-10 * relevance.abs().sum().ItemAs<double>(), "C⁺ − C⁻ conserves R⁺ − R⁻");
    }

    [TestMethod]
    public void Relevance_kernel_is_the_weight_gradient()
    {
        using DisposeScope scope = NewDisposeScope();
        using var g = RandomGenerators.FromSeed(9);
        Tensor x = rand([1, 3, 9, 8], ScalarType.Float64, generator: g);
        foreach (long[] padding in new[] { new long[] { 1, 1, 1, 1 }, [0, 1, 2, 0] })
        {
            using var conv = new Conv2d("c", "x", "y", randn([5, 3, 3, 3], ScalarType.Float64, generator: g).DetachFromDisposeScope(), null, [2, 1], padding, [1, 1], 1);
            Tensor r = randn(conv.Forward([x], null).shape, ScalarType.Float64, generator: g);
            Tensor expected;
            using (enable_grad())
            {
                Tensor w = conv.Weight.detach().requires_grad_();
                expected = SafeAutograd.Grad([(conv.ForwardWith(x, w, null) * r).sum()], [w])[0]!;
            }
            AssertClose(expected, RspConvRule.RelevanceKernel(conv, x, r), 1e-12, $"K for padding [{string.Join(",", padding)}]");
        }
    }

    [TestMethod]
    public void Batched_sections_equal_the_per_image_formula()
    {
        // SectionOfEveryImage runs all images as the groups of one convolution; each image must get x ⊙ Kᵀ(r / K(x)) with
        // its own kernel K, as computed one image at a time from the autograd-checked RelevanceKernel.
        using DisposeScope scope = NewDisposeScope();
        using var g = RandomGenerators.FromSeed(13);
        // 3×3 and 1×1 kernels (ResNet's bottleneck and strided downsample layers), padded or not.
        var cases = new (long[] Padding, long Groups, long Kernel, long[] Stride)[]
        {
            ([1, 1, 1, 1], 1, 3, [2, 1]), ([0, 1, 2, 0], 1, 3, [2, 1]), ([1, 1, 1, 1], 2, 3, [2, 1]),
            ([0, 0, 0, 0], 1, 1, [1, 1]), ([0, 0, 0, 0], 1, 1, [2, 2]), ([0, 0, 0, 0], 1, 1, [2, 1]), ([1, 1, 1, 1], 1, 1, [1, 1]),
        };
        foreach (var (padding, groups, size, stride) in cases)
        {
            Tensor x = rand([3, 4, 9, 8], ScalarType.Float64, generator: g);
            using var conv = new Conv2d("c", "x", "y", randn([6, 4 / groups, size, size], ScalarType.Float64, generator: g).DetachFromDisposeScope(), null, stride, padding, [1, 1], groups);
            Tensor r = randn(conv.Forward([x], null).shape, ScalarType.Float64, generator: g);
            Tensor batched = RspConvRule.SectionOfEveryImage(conv, x, r);
            for (long n = 0; n < x.shape[0]; n++)
            {
                Tensor xn = x.narrow(0, n, 1), rn = r.narrow(0, n, 1);
                Tensor kernel = RspConvRule.RelevanceKernel(conv, xn, rn);
                Tensor z = conv.ForwardWith(xn, kernel, null) * rn.ne(0).to(rn.dtype);
                Tensor expected = xn * conv.TransposeWith(Stabilizer.SafeDivide(rn, z), xn, kernel);
                AssertClose(expected, batched.narrow(0, n, 1), 1e-10, $"image {n}, {size}×{size} kernel, stride [{string.Join(",", stride)}], padding [{string.Join(",", padding)}], groups {groups}");
            }
        }
    }

    [TestMethod]
    public void Pool_and_first_layer_rules_conserve()
    {
        using DisposeScope scope = NewDisposeScope();
        var (network, input) = MethodFixtures.Float64("tiny_vgg_opset13");
        using (network)
        using (input)
        using (Tape tape = network.Record(input))
        using (var g = RandomGenerators.FromSeed(2))
        {
            for (int i = 0; i < network.Layers.Count; i++)
            {
                IRule? rule = network.Layers[i] switch
                {
                    MaxPool2d or AvgPool2d or AdaptiveAvgPool2d => new RspPoolRule(),
                    Conv2d when i == network.Layers.ToList().FindIndex(l => l is Conv2d) => RspFirstLayerRule.Instance,
                    _ => null,
                };
                if (rule is null) continue;
                LayerTrace trace = tape[i];
                Tensor relevance = randn(trace.Output.shape, ScalarType.Float64, generator: g);
                Tensor r = rule.Backward(trace, relevance)[0];
                AssertClose(relevance.sum([1, 2, 3]), r.sum([1, 2, 3]), 1e-10 * relevance.abs().sum().ItemAs<double>(), $"{rule.Name} at '{trace.Layer.Name}'");
            }
        }
    }

    [TestMethod]
    public void Comparative_initialization_balances_target_and_hostile_mass()
    {
        using DisposeScope scope = NewDisposeScope();
        var (network, input) = MethodFixtures.Float64("tiny_vgg_opset13");
        using (network)
        using (input)
        using (var rsp = new Rsp(network, new RspOptions { Initialization = RspInitialization.Comparative, ComparativeClasses = 3 }))
        using (AttributionMap map = rsp.Attribute(input))
        {
            Tensor start = map.Extras["start"];
            double[] total = start.sum([1, 2, 3]).ToArray<double>();
            double[] positive = start.clamp_min(0).sum([1, 2, 3]).ToArray<double>();
            for (int n = 0; n < total.Length; n++)
            {
                Assert.AreEqual(1.0, total[n], 1e-6, $"row {n}: net mass");
                Assert.AreEqual(2.0, positive[n], 1e-6, $"row {n}: target mass");
            }
            Assert.IsLessThan(0.0, map.Map.sum(1).min().ItemAs<double>(), "hostile evidence reaches the input");
        }
    }

    [TestMethod]
    public void Runs_in_float32_on_the_trained_shapes_model()
    {
        using DisposeScope scope = NewDisposeScope();
        using var peer = new PeerReference();
        using var rsp = new Rsp(peer.Network);
        using AttributionMap map = rsp.Attribute(peer.Inputs, Target.PerRow(peer.Targets));
        Assert.AreEqual(ScalarType.Float32, map.Map.dtype);
        Assert.IsTrue(map.Map.isfinite().all().ItemAs<bool>(), "finite map");
        double[] start = map.Extras["start"].sum([1, 2, 3]).ToArray<float>().Select(v => (double)v).ToArray();
        double[] input = map.Map.sum([1, 2, 3]).ToArray<float>().Select(v => (double)v).ToArray();
        for (int n = 0; n < start.Length; n++)
            Assert.AreEqual(start[n], input[n], 1e-3 * Math.Max(1, Math.Abs(start[n])), $"image {n}: conservation in float32");
    }

    [TestMethod]
    public void Networks_outside_the_rules_are_rejected()
    {
        var (network, input) = MethodFixtures.Float64("tiny_misc_opset13");
        using (network)
        using (input)
        {
            var e = Assert.ThrowsExactly<NotSupportedException>(() => new Rsp(network));
            StringAssert.Contains(e.Message, "LeakyRelu");
            StringAssert.Contains(e.Message, "RSP");
        }
    }
}
