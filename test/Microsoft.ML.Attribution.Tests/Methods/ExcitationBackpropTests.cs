using Microsoft.ML.Attribution.Composites;
using Microsoft.ML.Attribution.Graph;
using Microsoft.ML.Attribution.Graph.Canonizers;
using Microsoft.ML.Attribution.Methods;
using TorchSharp;
using Microsoft.ML.Attribution.Tensors;
using static TorchSharp.torch;

namespace Microsoft.ML.Attribution.Tests.Methods;

/// <summary>Excitation backprop and c-MWP: methods.md §8 item 5, the Debian-torch reference on peer-small, bad options.</summary>
[TestClass]
public sealed class ExcitationBackpropTests : TorchTest
{
    public static IEnumerable<object[]> Models() => new[] { "tiny_vgg_opset13", "tiny_resnet_opset13" }.Select(m => new object[] { m });

    [TestMethod]
    [DynamicData(nameof(Models))]
    public void Excitation_backprop_equals_bias_free_z_plus_and_conserves_the_seed_on_non_negative_inputs(string model)
    {
        using DisposeScope scope = NewDisposeScope();
        var (withBatchNorm, signed) = MethodFixtures.Float64(model);
        using (withBatchNorm)
        using (signed)
        using (Network network = MergeBatchNorm.Apply(withBatchNorm)) // a network without BN: EBP's BN-as-identity is out of play
        {
            Assert.IsFalse(network.Layers.Any(l => l is Microsoft.ML.Attribution.Graph.Layers.BatchNorm), "the fixture must be BN-free after merging");
            Tensor input = signed.abs();
            using var ebp = new ExcitationBackprop(network);
            using var zPlus = new Lrp(network, new LrpOptions { Seed = SeedKind.One, MergeBatchNorm = false },
                NamedComposites.ZPlus(includeBias: false, stabilizer: 1e-30));
            using AttributionMap excitation = ebp.Attribute(input);
            using AttributionMap relevance = zPlus.Attribute(input);
            Tensor probabilities = excitation.Extras["relevance"];
            AssertClose(relevance.Map, probabilities, 1e-9 * relevance.Map.abs().max().ItemAs<double>(), $"{model}: EBP vs bias-free z⁺");
            AssertClose(probabilities.sum(1, keepdim: true), excitation.Map, 1e-12, "the map is the channel sum");
            double[] mass = probabilities.sum([1, 2, 3]).ToArray<double>();
            foreach (double m in mass) Assert.AreEqual(1.0, m, 1e-9, "the winning probabilities add up to the seed's 1");
            Assert.IsGreaterThanOrEqualTo(0.0, probabilities.min().ItemAs<double>(), "probabilities are non-negative");
        }
    }

    [TestMethod]
    public void Excitation_backprop_at_the_input_matches_the_python_reference() =>
        AssertMatchesReference("ebp_input", p => new ExcitationBackprop(p.Network));

    [TestMethod]
    public void Excitation_backprop_at_a_layer_matches_the_python_reference() =>
        AssertMatchesReference("ebp_layer", p => new ExcitationBackprop(p.Network,
            new ExcitationBackpropOptions { Layer = MethodReference.Parameter("ebp_layer", "layer") }));

    [TestMethod]
    public void Contrastive_excitation_backprop_matches_the_python_reference() =>
        AssertMatchesReference("cmwp_layer", p => new ContrastiveExcitationBackprop(p.Network,
            new ContrastiveExcitationBackpropOptions { SaliencyLayer = MethodReference.Parameter("cmwp_layer", "saliency_layer") }));

    [TestMethod]
    public void Contrastive_excitation_backprop_with_a_convolutional_contrast_layer_matches_the_python_reference() =>
        AssertMatchesReference("cmwp_input_contrast_conv", p => new ContrastiveExcitationBackprop(p.Network,
            new ContrastiveExcitationBackpropOptions { ContrastLayer = MethodReference.Parameter("cmwp_input_contrast_conv", "contrast_layer") }));

    [TestMethod]
    public void Contrastive_map_is_non_negative_and_read_at_the_contrast_layer_it_is_the_difference_of_two_passes()
    {
        using DisposeScope scope = NewDisposeScope();
        using var peer = new PeerReference();
        string layer = MethodReference.Parameter("cmwp_input_contrast_conv", "contrast_layer");
        using var contrastive = new ContrastiveExcitationBackprop(peer.Network, new ContrastiveExcitationBackpropOptions { SaliencyLayer = layer, ContrastLayer = layer });
        using var plain = new ExcitationBackprop(peer.Network, new ExcitationBackpropOptions { Layer = layer });
        using AttributionMap c = contrastive.Attribute(peer.Inputs, Target.PerRow(peer.Targets));
        using AttributionMap p = plain.Attribute(peer.Inputs, Target.PerRow(peer.Targets));
        Assert.IsGreaterThanOrEqualTo(0.0, c.Map.min().ItemAs<float>());
        // Both passes start from the same seed; each has total mass 1 at the layer, so their difference sums to 0.
        double[] mass = c.Extras["relevance"].sum([1, 2, 3]).ToArray<float>().Select(v => (double)v).ToArray();
        foreach (double m in mass) Assert.AreEqual(0.0, m, 1e-5);
        Assert.IsGreaterThan(1e-6, MaxAbsDiff(c.Extras["relevance"], p.Extras["relevance"]), "the dual pass is subtracted");
    }

    [TestMethod]
    public void Excitation_methods_reject_bad_layers()
    {
        using var peer = new PeerReference();
        string classifier = peer.Network.Classifier.Name;
        StringAssert.Contains(Assert.Throws<ArgumentException>(() => new ExcitationBackprop(peer.Network, new ExcitationBackpropOptions { Layer = "no-such-layer" })).Message, "no layer named");
        StringAssert.Contains(Assert.Throws<ArgumentException>(() => new ExcitationBackprop(peer.Network, new ExcitationBackpropOptions { Layer = classifier })).Message, "[C,H,W]");
        string early = MethodReference.Parameter("ebp_layer", "layer"), late = MethodReference.Parameter("cmwp_input_contrast_conv", "contrast_layer");
        StringAssert.Contains(Assert.Throws<ArgumentException>(() => new ContrastiveExcitationBackprop(peer.Network,
            new ContrastiveExcitationBackpropOptions { SaliencyLayer = late, ContrastLayer = early })).Message, "must not come after");
        Assert.Throws<ArgumentException>(() => new ContrastiveExcitationBackprop(peer.Network, new ContrastiveExcitationBackpropOptions { ContrastLayer = classifier }));
    }

    private static void AssertMatchesReference(string reference, Func<PeerReference, IAttributionMethod> create)
    {
        using DisposeScope scope = NewDisposeScope();
        using var peer = new PeerReference();
        using IAttributionMethod method = create(peer);
        using AttributionMap map = method.Attribute(peer.Inputs, Target.PerRow(peer.Targets));
        Tensor expected = MethodReference.Load(reference);
        double scale = expected.abs().max().ItemAs<float>();
        AssertClose(expected, map.Map, 1e-4 * scale, $"{method.Name} vs {reference}");
    }
}
