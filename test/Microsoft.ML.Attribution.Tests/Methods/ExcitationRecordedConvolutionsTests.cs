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
/// Excitation backprop gates ReLUs on their recorded output (the gradient's gate), declared tolerant of Winograd's
/// rounding because its rules scale relevance by each unit's value; so it records with Winograd's convolutions.
/// </summary>
[TestClass]
public sealed class ExcitationRecordedConvolutionsTests : TorchTest
{
    [TestMethod]
    [DataRow("tiny_vgg_opset13")]
    [DataRow("tiny_resnet_opset13")]
    public void The_ReLU_gate_is_the_gradients(string model)
    {
        var (network, input) = MethodFixtures.Float64(model);
        using (network)
        using (input)
        {
            using DisposeScope scope = NewDisposeScope();
            Func<Layer, IRule> rules = NamedComposites.ExcitationBackprop().For(network);
            Func<Layer, IRule> gradientGates = layer => layer is Relu ? GradientRule.Instance : rules(layer);
            Assert.IsTrue(network.Layers.OfType<Relu>().All(r => rules(r) is ProportionalGateRule), "the composite's ReLU rule");
            Assert.IsTrue(NamedComposites.ExcitationBackprop().ToleratesRoundedForward(network), "so it may record with Winograd");
            using Tape tape = network.Record(input);
            long[] targets = Enumerable.Range(0, (int)input.shape[0]).Select(i => (long)(i % tape.Logits.shape[1])).ToArray();
            using Tensor seed = ExcitationMaps.Seed(tape.Logits, targets);
            using BackwardResult gated = Backpropagation.Run(tape, seed, rules);
            using BackwardResult reference = Backpropagation.Run(tape, seed, gradientGates);
            Assert.IsGreaterThan(0.0, gated.Input!.abs().max().item<double>());
            AssertClose(reference.Input!, gated.Input!, 0, $"{model}: the same gate");
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
        Tensor Map(RecordedConvolutions? convolutions)
        {
            using IAttributionMethod method = contrastive
                ? new ContrastiveExcitationBackprop(network, new ContrastiveExcitationBackpropOptions { Convolutions = convolutions })
                : new ExcitationBackprop(network, new ExcitationBackpropOptions { Convolutions = convolutions });
            using AttributionMap map = method.Attribute(x, Target.PerRow([1, 3]));
            return map.Map.clone();
        }
        Tensor exact = Map(RecordedConvolutions.Exact), automatic = Map(null), winograd = Map(RecordedConvolutions.Winograd);
        // The default is the Winograd recording, which differs from the exact one by the kernels' rounding.
        AssertClose(winograd, automatic, 0, "the default records with Winograd");
        Assert.IsGreaterThan(0.0, MaxAbsDiff(exact, winograd), "the two recordings differ by the kernels' rounding");
        AssertClose(exact, winograd, 1e-5 * Range(exact), "Winograd-recorded map vs exact");
    }
}
