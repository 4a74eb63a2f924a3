using Microsoft.ML.Attribution.Methods;
using TorchSharp;
using Microsoft.ML.Attribution.Tensors;
using static TorchSharp.torch;

namespace Microsoft.ML.Attribution.Tests.Methods;

/// <summary>methods.md §8 item 15 (SGLRP seed balance) and the SGLRP method, on float64 fixtures.</summary>
[TestClass]
public sealed class SglrpTests : TorchTest
{
    [TestMethod]
    public void Seeds_balance_before_and_after_propagation()
    {
        using DisposeScope scope = NewDisposeScope();
        var (network, input) = MethodFixtures.Float64("tiny_vgg_opset13");
        using (network)
        using (input)
        using (Tensor logits = network.ForwardLogits(input))
        {
            long[] targets = Target.TopPrediction.Resolve(logits);
            var (target, dual) = Sglrp.Seeds(logits, targets, epsilon: 0);
            // ŷ_t(1 − ŷ_t) = Σ_{n≠t} ŷ_t ŷ_n
            AssertClose(target.sum(1), dual.sum(1), 1e-15, "seed totals");
            Assert.AreEqual(0.0, target.clamp_max(0).min().ItemAs<double>(), "seeds are magnitudes");
            Assert.AreEqual(0.0, dual.clamp_max(0).min().ItemAs<double>(), "seeds are magnitudes");

            using var sglrp = new Sglrp(network);
            using AttributionMap map = sglrp.Attribute(input);
            double[] sumTarget = map.Extras["target"].sum([1, 2, 3]).ToArray<double>();
            double[] sumDual = map.Extras["dual"].sum([1, 2, 3]).ToArray<double>();
            double[] sumMap = map.Map.sum([1, 2, 3]).ToArray<double>();
            for (int n = 0; n < sumTarget.Length; n++)
            {
                Assert.AreEqual(sumTarget[n], sumDual[n], 1e-6 * sumTarget[n], $"row {n}: ΣR_target ≈ ΣR_dual after z⁺");
                Assert.AreEqual(0.0, sumMap[n], 1e-12 * sumTarget[n], $"row {n}: the rescaled difference sums to 0");
            }
        }
    }

    [TestMethod]
    public void Relu_option_keeps_the_positive_part()
    {
        using DisposeScope scope = NewDisposeScope();
        var (network, input) = MethodFixtures.Float64("tiny_resnet_opset13");
        using (network)
        using (input)
        using (var signed = new Sglrp(network))
        using (var positive = new Sglrp(network, new SglrpOptions { ClampNegative = true }))
        using (AttributionMap a = signed.Attribute(input))
        using (AttributionMap b = positive.Attribute(input))
        {
            Assert.IsLessThan(0.0, a.Map.min().ItemAs<double>(), "signed by default");
            AssertClose(a.Map.clamp_min(0), b.Map, 0, "relu=True is max(0, ·)");
        }
    }

    [TestMethod]
    public void Runs_in_float32_on_the_trained_shapes_model()
    {
        using DisposeScope scope = NewDisposeScope();
        using var peer = new PeerReference();
        using var sglrp = new Sglrp(peer.Network, new SglrpOptions { Low = [0], High = [1] });
        using AttributionMap map = sglrp.Attribute(peer.Inputs, Target.PerRow(peer.Targets));
        Assert.AreEqual(ScalarType.Float32, map.Map.dtype);
        Assert.IsTrue(map.Map.isfinite().all().ItemAs<bool>(), "finite map");
    }

    [TestMethod]
    public void Non_relu_networks_are_rejected()
    {
        var (network, input) = MethodFixtures.Float64("tiny_misc_opset13");
        using (network)
        using (input)
            StringAssert.Contains(Assert.ThrowsExactly<NotSupportedException>(() => new Sglrp(network)).Message, "SGLRP");
    }
}
