using Microsoft.ML.Attribution.Composites;
using Microsoft.ML.Attribution.Graph;
using Microsoft.ML.Attribution.Graph.Layers;
using Microsoft.ML.Attribution.Methods;
using Microsoft.ML.Attribution.Rules;
using Microsoft.ML.Attribution.Tests.Graph;
using Microsoft.ML.Attribution.Torch;
using static Microsoft.ML.Attribution.Torch.torch;

namespace Microsoft.ML.Attribution.Tests.Methods;

/// <summary>
/// Excitation backprop passes relevance through ReLUs unchanged (every rule above a ReLU hands a unit probability in
/// proportion to its value, so the gate changes nothing), which lets it record with Winograd's convolutions.
/// </summary>
[TestClass]
public sealed class ExcitationRecordedConvolutionsTests : TorchTest
{
    [TestMethod]
    [DataRow("tiny_vgg_opset13")]
    [DataRow("tiny_resnet_opset13")]
    public void Passing_ReLUs_equals_gating_them(string model)
    {
        var (network, input) = MethodFixtures.Float64(model);
        using (network)
        using (input)
        {
            using DisposeScope scope = NewDisposeScope();
            Composite passing = NamedComposites.ExcitationBackprop();
            Func<Layer, IRule> passRules = passing.For(network);
            Func<Layer, IRule> gateRules = layer => layer is Relu ? GradientRule.Instance : passRules(layer);
            Assert.IsTrue(network.Layers.OfType<Relu>().All(r => passRules(r) is PassRule), "the composite passes ReLUs");
            using Tape tape = network.Record(input);
            long[] targets = Enumerable.Range(0, (int)input.shape[0]).Select(i => (long)(i % tape.Logits.shape[1])).ToArray();
            using Tensor seed = ExcitationMaps.Seed(tape.Logits, targets);
            using BackwardResult passed = Backpropagation.Run(tape, seed, passRules);
            using BackwardResult gated = Backpropagation.Run(tape, seed, gateRules);
            Assert.IsGreaterThan(0.0, passed.Input!.abs().max().item<double>());
            AssertClose(gated.Input!, passed.Input!, 1e-12 * Range(gated.Input!), $"{model}: passed vs gated ReLUs");
        }
    }

    [TestMethod]
    [DataRow(false)]
    [DataRow(true)]
    public void Excitation_records_with_Winograd_by_default_and_matches_the_exact_recording(bool contrastive)
    {
        using DisposeScope scope = NewDisposeScope();
        using var g = new Generator(31);
        using Network network = ModifiedWeightPassesTests.VggLike(g);
        Tensor x = randn([2, 3, 12, 10], g).abs();
        var wino = (Conv2d)network["wino"];
        Tensor Map(RecordedConvolutions? convolutions)
        {
            using IAttributionMethod method = contrastive
                ? new ContrastiveExcitationBackprop(network, new ContrastiveExcitationBackpropOptions { Convolutions = convolutions })
                : new ExcitationBackprop(network, new ExcitationBackpropOptions { Convolutions = convolutions });
            using AttributionMap map = method.Attribute(x, Target.PerRow([1, 3]));
            return map.Map.clone();
        }
        Tensor exact = Map(RecordedConvolutions.Exact);
        int afterExact = wino.OneDnnPasses;
        Tensor automatic = Map(null);
        Assert.IsGreaterThan(afterExact, wino.OneDnnPasses, "the automatic choice ran the recorded convolution through oneDNN too");
        Tensor winograd = Map(RecordedConvolutions.Winograd);
        AssertClose(winograd, automatic, 0, "the default records with Winograd");
        Assert.IsGreaterThan(0.0, MaxAbsDiff(exact, winograd), "the two recordings differ by the kernels' rounding");
        AssertClose(exact, winograd, 1e-5 * Range(exact), "Winograd-recorded map vs exact");
    }
}
