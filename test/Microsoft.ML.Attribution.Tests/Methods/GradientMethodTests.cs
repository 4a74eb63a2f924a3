using Microsoft.ML.Attribution.Graph;
using Microsoft.ML.Attribution.Methods;
using TorchSharp;
using Microsoft.ML.Attribution.Tensors;
using static TorchSharp.torch;

namespace Microsoft.ML.Attribution.Tests.Methods;

/// <summary>methods.md §8 items 1, 2, 4, 5 on float64 fixtures.</summary>
[TestClass]
public sealed class GradientMethodTests : TorchTest
{
    public static IEnumerable<object[]> Models() => MethodFixtures.TinyModels.Select(m => new object[] { m });

    [TestMethod]
    [DynamicData(nameof(Models))]
    public void Gradient_equals_autograd(string model)
    {
        var (network, input) = MethodFixtures.Float64(model);
        using (network)
        using (input)
        using (var method = new Gradient(network))
        using (AttributionMap map = method.Attribute(input))
        using (Tensor expected = MethodFixtures.AutogradGradient(network, input, map.Targets))
            AssertClose(expected, map.Map, 1e-10, $"{model}: gradient vs autograd");
    }

    [TestMethod]
    public void Gradient_works_per_row_targets_and_reports_scores()
    {
        using DisposeScope scope = NewDisposeScope();
        var (network, input) = MethodFixtures.Float64("tiny_resnet_opset13");
        using (network)
        using (input)
        using (var method = new Gradient(network))
        using (AttributionMap map = method.Attribute(input, Target.PerRow([5, 0, 3])))
        using (Tensor expected = MethodFixtures.AutogradGradient(network, input, [5, 0, 3]))
        using (Tensor logits = network.ForwardLogits(input))
        {
            CollectionAssert.AreEqual(new long[] { 5, 0, 3 }, map.Targets);
            AssertClose(expected, map.Map, 1e-10, "per-row targets");
            Assert.AreEqual(logits[1][0].ItemAs<double>(), map.Scores[1], 1e-12);
        }
    }

    [TestMethod]
    public void Guided_backprop_and_deconvnet_equal_the_gradient_without_relus()
    {
        using Network network = MethodFixtures.WithoutRelu(3);
        using var g = RandomGenerators.FromSeed(4);
        using Tensor x = randn([2, 3, 8, 8], ScalarType.Float64, generator: g);
        using var gradient = new Gradient(network);
        using var guided = new GuidedBackprop(network);
        using var deconv = new DeconvNet(network);
        using AttributionMap a = gradient.Attribute(x, 2);
        using AttributionMap b = guided.Attribute(x, 2);
        using AttributionMap c = deconv.Attribute(x, 2);
        AssertClose(a.Map, b.Map, 1e-12, "guided = gradient");
        AssertClose(a.Map, c.Map, 1e-12, "deconvnet = gradient");
    }

    [TestMethod]
    [DynamicData(nameof(Models))]
    public void Lrp_0_equals_gradient_times_input(string model)
    {
        using DisposeScope scope = NewDisposeScope();
        var (network, input) = MethodFixtures.Float64(model);
        using (network)
        using (input)
        using (var lrp = new Lrp(network, new LrpOptions { Composite = "epsilon", Epsilon = 1e-12 }))
        using (var gxi = new GradientTimesInput(network))
        using (AttributionMap r = lrp.Attribute(input))
        using (AttributionMap e = gxi.Attribute(input))
        {
            double scale = e.Map.abs().max().ItemAs<double>();
            AssertClose(e.Map, r.Map, 1e-8 * scale, $"{model}: LRP-0 vs gradient × input");
        }
    }

    [TestMethod]
    public void Bias_free_z_plus_conserves_the_seed()
    {
        using DisposeScope scope = NewDisposeScope();
        var (network, input) = MethodFixtures.Float64("tiny_vgg_opset13");
        using (network)
        using (input)
        using (var method = new Lrp(network, new LrpOptions(), Composites.NamedComposites.ZPlus(includeBias: false, stabilizer: 1e-30)))
        using (AttributionMap map = method.Attribute(input))
        using (Tensor totals = map.Map.sum([1, 2, 3]))
        {
            double[] sums = totals.ToArray<double>();
            for (int i = 0; i < sums.Length; i++)
                Assert.AreEqual(map.Scores[i], sums[i], 1e-9 * Math.Abs(map.Scores[i]), $"row {i}: Σ R_input {sums[i]} vs the seed (target logit) {map.Scores[i]}");
        }
    }

    [TestMethod]
    public void Bad_input_gives_clear_errors()
    {
        var (network, input) = MethodFixtures.Float64("tiny_vgg_opset13");
        using (network)
        using (input)
        using (var method = new Gradient(network))
        {
            var e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => method.Attribute(input, 9));
            StringAssert.Contains(e.Message, "out of range");
            using Tensor nan = input.clone();
            nan.fill_(double.NaN);
            StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => method.Attribute(nan)).Message, "NaN");
            using Tensor wrong = zeros([1, 1, 16, 16], ScalarType.Float64);
            Assert.ThrowsExactly<ArgumentException>(() => method.Attribute(wrong));
            Assert.ThrowsExactly<ArgumentException>(() => method.Attribute(input, Target.PerRow([1])));
        }
    }
}
