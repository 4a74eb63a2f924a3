using Microsoft.ML.Attribution.Methods;
using TorchSharp;
using Microsoft.ML.Attribution.Tensors;
using static TorchSharp.torch;

namespace Microsoft.ML.Attribution.Tests.Methods;

/// <summary>methods.md §8 item 3 (FullGrad completeness) on float64 fixtures with biases and batch norms.</summary>
[TestClass]
public sealed class FullGradTests : TorchTest
{
    /// <summary>
    /// With the number of layers carrying a bias term: biased convolutions + BN + two biased dense layers; bias-free
    /// convolutions + 6 BN + fc; BN folded into 6 biased convolutions + fc.
    /// </summary>
    public static IEnumerable<object[]> Models() =>
    [
        ["tiny_vgg_opset13_train", 6], ["tiny_resnet_opset13_train", 7], ["tiny_resnet_opset13", 7],
    ];

    [TestMethod]
    [DynamicData(nameof(Models))]
    public void Input_and_bias_terms_sum_to_the_logit(string model, int biasedLayers)
    {
        using DisposeScope scope = NewDisposeScope();
        var (network, input) = MethodFixtures.Float64(model);
        using (network)
        using (input)
        using (var method = new FullGrad(network))
        using (AttributionMap map = method.Attribute(input))
        {
            Assert.AreEqual(biasedLayers, method.BiasedLayers.Count, $"{model}: layers with a bias term ({string.Join(", ", method.BiasedLayers.Select(l => l.Name))})");
            double[] total = (map.Extras["input-term"].sum([1, 2, 3]) + map.Extras["bias-terms"].sum(1)).ToArray<double>();
            double[] biasShare = map.Extras["bias-terms"].sum(1).ToArray<double>();
            for (int i = 0; i < total.Length; i++)
            {
                Assert.AreEqual(map.Scores[i], total[i], 1e-9 * Math.Abs(map.Scores[i]),
                    $"{model} row {i}: Σ ∇x⊙x + Σ_l Σ ∂f/∂z_l⊙b_l = {total[i]} vs f_t(x) = {map.Scores[i]}");
                Assert.AreNotEqual(0.0, biasShare[i], $"{model} row {i}: the bias terms must take part for the check to mean anything");
            }
        }
    }

    [TestMethod]
    [DynamicData(nameof(Models))]
    public void The_signed_raw_sum_map_sums_to_the_logit(string model, int biasedLayers)
    {
        using DisposeScope scope = NewDisposeScope();
        var (network, input) = MethodFixtures.Float64(model);
        using (network)
        using (input)
        using (var method = new FullGrad(network, new FullGradOptions { Aggregation = FullGradAggregation.RawSum, Gradients = GradientHandling.Signed }))
        using (AttributionMap map = method.Attribute(input))
        {
            Assert.AreEqual(biasedLayers, method.BiasedLayers.Count);
            // Every layer of these fixtures is an integer fraction of the input size, where bilinear resizing keeps mass.
            double[] sums = map.Map.sum([1, 2, 3]).ToArray<double>();
            for (int i = 0; i < sums.Length; i++)
                Assert.AreEqual(map.Scores[i], sums[i], 1e-9 * Math.Abs(map.Scores[i]), $"{model} row {i}: Σ map vs f_t(x)");
        }
    }

    [TestMethod]
    public void The_input_term_is_gradient_times_input_and_the_normalized_map_is_scaled_per_image()
    {
        using DisposeScope scope = NewDisposeScope();
        var (network, input) = MethodFixtures.Float64("tiny_vgg_opset13_train");
        using (network)
        using (input)
        using (var fullGrad = new FullGrad(network))
        using (var signedFullGrad = new FullGrad(network, new FullGradOptions { Gradients = GradientHandling.Signed }))
        using (var gradientTimesInput = new GradientTimesInput(network))
        using (AttributionMap map = fullGrad.Attribute(input, 2))
        using (AttributionMap signedMap = signedFullGrad.Attribute(input, 2))
        using (AttributionMap reference = gradientTimesInput.Attribute(input, 2))
        {
            AssertClose(reference.Map, map.Extras["input-term"], 1e-12, "input term vs gradient × input");
            // Absolute: per-image min-max → [0, 1); signed: per-image max |·| → [−1, 1] with negative evidence kept.
            Assert.IsTrue(map.Map.ge(0).all().ItemAs<bool>() && map.Map.le(1).all().ItemAs<bool>(), "the |·| map lies in [0, 1]");
            Assert.AreEqual(1.0, map.Map.amax([1, 2, 3]).min().ItemAs<double>(), 1e-5, "each image reaches 1");
            Assert.IsTrue(signedMap.Map.lt(0).any().ItemAs<bool>(), "the signed variant keeps negative values");
            Assert.AreEqual(1.0, signedMap.Map.abs().amax([1, 2, 3]).min().ItemAs<double>(), 1e-5, "each signed image reaches |1|");
        }
    }
}
