using Microsoft.ML.Attribution.Composites;
using Microsoft.ML.Attribution.Graph;
using Microsoft.ML.Attribution.Graph.Layers;
using Microsoft.ML.Attribution.Methods;
using Microsoft.ML.Attribution.Rules;
using TorchSharp;
using Microsoft.ML.Attribution.Tensors;
using static TorchSharp.torch;

namespace Microsoft.ML.Attribution.Tests.Methods;

/// <summary>RectGrad: methods.md §8 item 8, the percentile, and the Debian-torch reference on peer-small.</summary>
[TestClass]
public sealed class RectGradTests : TorchTest
{
    public static IEnumerable<object[]> Models() => MethodFixtures.TinyModels.Select(m => new object[] { m });

    [TestMethod]
    [DynamicData(nameof(Models))]
    public void RectGrad_with_threshold_minus_infinity_equals_gradient_times_input(string model)
    {
        using DisposeScope scope = NewDisposeScope();
        var (network, input) = MethodFixtures.Float64(model);
        using (network)
        using (input)
        using (var rectGrad = new RectGrad(network, new RectGradOptions { Threshold = double.NegativeInfinity, PaddingTrick = false }))
        using (var gradientTimesInput = new GradientTimesInput(network))
        using (AttributionMap actual = rectGrad.Attribute(input))
        using (AttributionMap expected = gradientTimesInput.Attribute(input))
        {
            double scale = expected.Map.abs().max().ItemAs<double>();
            AssertClose(expected.Map, actual.Map, 1e-12 * scale, $"{model}: RectGrad(τ = −∞) vs gradient × input");
        }
    }

    [TestMethod]
    public void RectGrad_q98_passes_at_most_two_and_a_half_percent_of_units_per_relu()
    {
        using DisposeScope scope = NewDisposeScope();
        using var peer = new PeerReference();
        Func<Layer, IRule> rectGrad = NamedComposites.RectGrad(98).For(peer.Network);
        var counting = new PassCountingRule(new RectGradReluRule(98));
        using Tape tape = peer.Network.Record(peer.Inputs);
        using Tensor seed = Backpropagation.OneHot(tape.Logits, peer.Targets);
        using BackwardResult result = Backpropagation.Run(tape, seed, layer => layer is Relu ? counting : rectGrad(layer));
        Assert.HasCount(6 * peer.Targets.Length, counting.Fractions, "one fraction per ReLU and row");
        foreach (var (layer, fraction) in counting.Fractions)
            Assert.IsLessThanOrEqualTo(0.025, fraction, $"{layer}: {fraction:P2} of the units passed a gradient");
        Assert.IsTrue(counting.Fractions.Any(f => f.fraction > 0), "some units must pass");
    }

    [TestMethod]
    public void Percentile_matches_torch_quantile()
    {
        using DisposeScope scope = NewDisposeScope();
        using var g = RandomGenerators.FromSeed(7);
        Tensor values = randn([3, 5, 7, 11], ScalarType.Float64, generator: g);
        foreach (double q in new[] { 0, 2.5, 37, 50, 90, 98, 99.99, 100 })
        {
            Tensor expected = values.reshape(3, -1).quantile(q / 100, 1).reshape(3, 1, 1, 1);
            AssertClose(expected, RectGradReluRule.PerSamplePercentile(values, q), 1e-12, $"q = {q}");
        }
    }

    [TestMethod]
    public void RectGrad_matches_the_python_reference() =>
        AssertMatchesReference("rectgrad", new RectGradOptions());

    [TestMethod]
    public void RectGrad_abs_without_padding_trick_matches_the_python_reference() =>
        AssertMatchesReference("rectgrad_abs_no_padding", new RectGradOptions { AbsoluteImportance = true, PaddingTrick = false });

    [TestMethod]
    public void RectGrad_q90_matches_the_python_reference() =>
        AssertMatchesReference("rectgrad_q90", new RectGradOptions { Percentile = 90 });

    [TestMethod]
    public void RectGrad_rejects_bad_options()
    {
        using var peer = new PeerReference();
        foreach (double q in new[] { -1, 100.5, double.NaN })
            StringAssert.Contains(Assert.Throws<ArgumentException>(() => new RectGrad(peer.Network, new RectGradOptions { Percentile = q })).Message, "[0, 100]");
        Assert.Throws<ArgumentException>(() => new RectGrad(peer.Network, new RectGradOptions { Threshold = double.NaN }));
        using Network linear = MethodFixtures.WithoutRelu(1);
        StringAssert.Contains(Assert.Throws<ArgumentException>(() => new RectGrad(linear)).Message, "ReLU");
    }

    private void AssertMatchesReference(string reference, RectGradOptions options)
    {
        using DisposeScope scope = NewDisposeScope();
        using var peer = new PeerReference();
        using var method = new RectGrad(peer.Network, options);
        using AttributionMap map = method.Attribute(peer.Inputs, Target.PerRow(peer.Targets));
        Tensor expected = MethodReference.Load(reference);
        double scale = expected.abs().max().ItemAs<float>();
        AssertClose(expected, map.Map, 1e-4 * scale, $"{method.Name} vs {reference}");
    }

    /// <summary>Wraps the ReLU rule and records, per ReLU and row, the fraction of units whose gradient is non-zero.</summary>
    private sealed class PassCountingRule(IRule inner) : IRule
    {
        public List<(string layer, double fraction)> Fractions { get; } = [];

        public string Name => inner.Name;

        public bool AppliesTo(Layer layer) => inner.AppliesTo(layer);

        public Tensor[] Backward(LayerTrace trace, Tensor relevance)
        {
            Tensor[] result = inner.Backward(trace, relevance);
            using DisposeScope scope = NewDisposeScope();
            Tensor rows = result[0].reshape(result[0].shape[0], -1);
            double[] passed = rows.ne(0).to(ScalarType.Float64).mean([1]).ToArray<double>();
            Fractions.AddRange(passed.Select(f => (trace.Layer.Name, f)));
            return result;
        }
    }
}
