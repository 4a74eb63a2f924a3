using Microsoft.ML.Attribution.Graph;
using Microsoft.ML.Attribution.Graph.Layers;
using Microsoft.ML.Attribution.Maps;
using Microsoft.ML.Attribution.Methods;
using Microsoft.ML.Attribution.Metrics;
using Microsoft.ML.Attribution.Onnx;
using Microsoft.ML.Attribution.Tests.Methods;
using TorchSharp;
using Microsoft.ML.Attribution.Tensors;
using static TorchSharp.torch;

namespace Microsoft.ML.Attribution.Tests.Metrics;

/// <summary>The protocol of methods.md §4.3 (not the claims; those are in StudyClaimsTests).</summary>
[TestClass]
public sealed class CascadingRandomizationTests : TorchTest
{
    private static Network Load(string name) => OnnxImporter.Load(MethodFixtures.Fixture("onnx", name + ".onnx"));

    [TestMethod]
    public void Default_blocks_are_every_convolution_and_dense_layer_from_the_output()
    {
        using var peer = new PeerReference();
        var blocks = CascadingRandomization.DefaultBlocks(peer.Network);
        var expected = peer.Network.Layers.Where(l => l is Conv2d or Linear).Select(l => l.Name).Reverse().ToArray();
        CollectionAssert.AreEqual(expected, blocks.Select(b => b.Single()).ToArray());
        Assert.AreEqual(peer.Network.Classifier.Name, blocks[0][0], "the classifier is randomized first");
    }

    [TestMethod]
    public void Batch_norms_join_the_block_of_their_convolution()
    {
        using Network network = Load("tiny_vgg_opset13_train");
        var blocks = CascadingRandomization.DefaultBlocks(network);
        foreach (BatchNorm bn in network.Layers.OfType<BatchNorm>())
        {
            var block = blocks.Single(b => b.Contains(bn.Name));
            Assert.AreEqual(network.ProducerOf(bn.Inputs[0])!.Name, block[0], $"{bn.Name} joins its convolution");
        }
    }

    [TestMethod]
    public void Reinitializing_a_batch_norm_with_its_bias_keeps_the_running_statistics()
    {
        using DisposeScope scope = NewDisposeScope();
        using Network network = Load("tiny_vgg_opset13_train");
        var bn = network.Layers.OfType<BatchNorm>().First();
        Tensor mean = bn.Mean.clone(), variance = bn.Variance.clone();
        network.ReinitializeParameters(bn.Name, 0.1, seed: 3, biasesToo: true);
        AssertClose(mean, bn.Mean, 0, "running mean");
        AssertClose(variance, bn.Variance, 0, "running variance (a random one could be negative)");
        Assert.IsTrue(network.Forward(Npy.Load(MethodFixtures.Fixture("onnx", "tiny_vgg_opset13_train.input.npy"))).isfinite().all().ItemAs<bool>());
    }

    [TestMethod]
    public void Curves_start_at_one_are_deterministic_and_leave_the_network_untouched()
    {
        using DisposeScope scope = NewDisposeScope();
        using var peer = new PeerReference();
        Tensor inputs = peer.Inputs.narrow(0, 0, 2);
        var conv = peer.Network.Layers.OfType<Conv2d>().First();
        Tensor before = conv.Weight.clone();
        var options = new CascadingRandomizationOptions { Blocks = CascadingRandomization.DefaultBlocks(peer.Network).Take(2).ToArray() };
        RandomizationCurve a = CascadingRandomization.Run(peer.Network, inputs, "gradient", n => new Gradient(n), options: options);
        RandomizationCurve b = CascadingRandomization.Run(peer.Network, inputs, "gradient", n => new Gradient(n), options: options);

        Assert.HasCount(3, a.Steps);
        Assert.AreEqual("original", a.Steps[0].Label);
        foreach (SimilarityScores s in a.Steps[0].PerImage)
        {
            Assert.AreEqual(1, s.Spearman, 1e-12);
            Assert.AreEqual(1, s.SpearmanAbsolute, 1e-12);
            Assert.AreEqual(1, s.Ssim, 1e-12);
            Assert.AreEqual(1, s.HogPearson, 1e-12);
        }
        for (int i = 1; i < a.Steps.Count; i++)
            Assert.AreEqual(a.Steps[i].Mean, b.Steps[i].Mean, $"step {i}: same seed, same curve");
        Assert.IsLessThan(0.99, a.Steps[2].Mean.Spearman, "randomizing changes the map");
        AssertClose(before, conv.Weight, 0, "the caller's network is not modified");
    }

    [TestMethod]
    public void Targets_are_reevaluated_on_the_randomized_model_unless_asked_not_to()
    {
        using DisposeScope scope = NewDisposeScope();
        using var peer = new PeerReference();
        var options = new CascadingRandomizationOptions { Blocks = [[peer.Network.Classifier.Name]] };
        RandomizationCurve reevaluated = CascadingRandomization.Run(peer.Network, peer.Inputs, "gradient", n => new Gradient(n), options: options);
        RandomizationCurve kept = CascadingRandomization.Run(peer.Network, peer.Inputs, "gradient", n => new Gradient(n),
            options: options with { ReevaluateTarget = false });

        using Network randomized = peer.Network.Clone();
        randomized.ReinitializeParameters(peer.Network.Classifier.Name, options.Sigma, options.Seed + peer.Network.IndexOf(peer.Network.Classifier.Name), biasesToo: true);
        long[] expected = randomized.ForwardLogits(peer.Inputs).argmax(1).ToArray<long>();
        CollectionAssert.AreEqual(expected, reevaluated.Steps[1].Targets.ToArray());
        CollectionAssert.AreEqual(kept.Steps[0].Targets.ToArray(), kept.Steps[1].Targets.ToArray());
    }

    [TestMethod]
    public void Blocks_must_name_layers_with_parameters_once()
    {
        using var peer = new PeerReference();
        string relu = peer.Network.Layers.OfType<Relu>().First().Name, conv = peer.Network.Layers.OfType<Conv2d>().First().Name;
        foreach (var (blocks, message) in new (IReadOnlyList<IReadOnlyList<string>>, string)[]
        {
            ([["nope"]], "No layer named 'nope'"),
            ([[relu]], "has no parameters"),
            ([[conv], [conv]], "more than one block"),
            ([], "at least one block"),
        })
        {
            var e = Assert.ThrowsExactly<ArgumentException>(() =>
                CascadingRandomization.Run(peer.Network, peer.Inputs, "gradient", n => new Gradient(n), options: new CascadingRandomizationOptions { Blocks = blocks }));
            StringAssert.Contains(e.Message, message);
        }
    }
}
