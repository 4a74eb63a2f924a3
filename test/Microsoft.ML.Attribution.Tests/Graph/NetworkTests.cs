using Microsoft.ML.Attribution.Graph;
using Microsoft.ML.Attribution.Graph.Canonizers;
using Microsoft.ML.Attribution.Graph.Layers;
using Microsoft.ML.Attribution.Maps;
using Microsoft.ML.Attribution.Onnx;
using TorchSharp;
using Microsoft.ML.Attribution.Tensors;
using static TorchSharp.torch;

namespace Microsoft.ML.Attribution.Tests.Graph;

[TestClass]
public sealed class NetworkTests : TorchTest
{
    private static Network Load(string name) => OnnxImporter.Load(FixturePath("onnx", name + ".onnx"));

    [TestMethod]
    [DataRow("tiny_vgg_opset13_train")]
    [DataRow("tiny_resnet_opset13_train")]
    public void Merging_batch_norm_leaves_logits_unchanged(string name)
    {
        using DisposeScope scope = NewDisposeScope();
        using Network network = Load(name);
        Assert.IsTrue(network.Layers.OfType<BatchNorm>().Any(), "the training-mode export keeps BatchNormalization");
        using Network merged = MergeBatchNorm.Apply(network);
        Assert.IsFalse(merged.Layers.OfType<BatchNorm>().Any(), "every BN follows a conv here");
        Tensor x = Npy.Load(FixturePath("onnx", name + ".input.npy"));
        Tensor a = network.Forward(x), b = merged.Forward(x);
        double range = (a.max() - a.min()).ItemAs<float>();
        AssertClose(a, b, 1e-5 * range, "merged logits");
        // The original network is untouched, and keeps working once the merged one (which shares its other parameters) is gone.
        Assert.AreEqual(a.ToArray<float>()[0], network.Forward(x).ToArray<float>()[0]);
        merged.Dispose();
        AssertClose(a, network.Forward(x), 0, "the original after the merged network was disposed");
    }

    [TestMethod]
    public void An_identity_average_pool_passes_values_and_gradients_through()
    {
        // Exporters write VGG's 7×7 adaptive pool of a 7×7 map as a 1×1 AveragePool: computed as the identity.
        using DisposeScope scope = NewDisposeScope();
        using var g = RandomGenerators.FromSeed(3);
        var pool = new AvgPool2d("avg", "x", "y", [1, 1], [1, 1], [0, 0, 0, 0], ceilMode: false, countIncludePad: false);
        Assert.IsTrue(pool.IsIdentity);
        Tensor x = randn([2, 5, 7, 7], ScalarType.Float64, generator: g), grad = randn([2, 5, 7, 7], ScalarType.Float64, generator: g);
        AssertClose(nn.functional.avg_pool2d(x, [1, 1], [1, 1]), pool.Forward([x], null), 0, "forward");
        var trace = new LayerTrace(pool) { Inputs = [x], ConstantInputs = [false], Output = pool.Forward([x], null) };
        AssertClose(nn.functional.avg_pool2d_backward(grad, x, [1, 1], [1, 1], [0, 0], false, false), pool.Backward(trace, grad)[0], 0, "backward");
    }

    [TestMethod]
    public void A_convolution_makes_its_gradient_kernels_on_the_first_backward_remakes_them_for_new_weights_and_frees_them()
    {
        long rawAtStart = Tensor.TotalCount, cachedAtStart = DerivedTensorCache.Live;
        using var g = RandomGenerators.FromSeed(11);
        Tensor x = randn([2, 4, 9, 9], ScalarType.Float64, generator: g);
        Tensor grad = randn([2, 6, 5, 5], ScalarType.Float64, generator: g);
        var conv = new Conv2d("conv", "x", "y", randn([6, 4, 3, 3], ScalarType.Float64, generator: g), null, [2, 2], [1, 1, 1, 1], [1, 1], 1);
        Tensor Expected(Tensor weight)
        {
            using Tensor leaf = x.detach().requires_grad_(true);
            using Tensor y = nn.functional.conv2d(leaf, weight, null, [2, 2], [1, 1]);
            return torch.autograd.grad([y], [leaf], [grad])[0];
        }
        Assert.AreEqual(cachedAtStart, DerivedTensorCache.Live, "loading made no kernels");
        using (DisposeScope scope = NewDisposeScope())
        {
            var trace = new LayerTrace(conv) { Inputs = [x], ConstantInputs = [false], Output = conv.Forward([x], null) };
            AssertClose(Expected(conv.Weight), conv.Backward(trace, grad)[0], 1e-12, "first backward");
            Assert.AreEqual(cachedAtStart + 1, DerivedTensorCache.Live, "the first backward keeps its kernels");
            conv.Backward(trace, grad);
            Assert.AreEqual(cachedAtStart + 1, DerivedTensorCache.Live, "later backwards reuse them");
            conv.SetParameters(randn([6, 4, 3, 3], ScalarType.Float64, generator: g).DetachFromDisposeScope(), null);
            Assert.AreEqual(cachedAtStart, DerivedTensorCache.Live, "new weights drop the old kernels");
            AssertClose(Expected(conv.Weight), conv.Backward(trace, grad)[0], 1e-12, "backward with the new weights");
        }
        conv.Dispose();
        x.Dispose();
        grad.Dispose();
        Assert.AreEqual(cachedAtStart, DerivedTensorCache.Live, "disposing the layer frees its kernels");
        Assert.AreEqual(rawAtStart, Tensor.TotalCount, "nothing of the layer stays alive");
    }

    [TestMethod]
    public void A_network_without_batch_norm_has_nothing_to_merge()
    {
        using Network vgg = Load("tiny_vgg_opset13");
        Assert.IsFalse(MergeBatchNorm.HasMergeable(vgg), "the inference export folded BN into the convolutions already");
        using Network train = Load("tiny_vgg_opset13_train");
        Assert.IsTrue(MergeBatchNorm.HasMergeable(train));
    }

    [TestMethod]
    public void Introspection_lists_layers_finds_the_cam_layer_and_selects_by_name()
    {
        using Network vgg = Load("tiny_vgg_opset13");
        IReadOnlyList<LayerInfo> summary = vgg.Summary();
        Assert.AreEqual(vgg.Layers.Count, summary.Count);
        Assert.IsTrue(summary.Any(l => l.Kind == "Conv2d" && l.Parameters > 0));
        long[] firstConvShape = summary.First(l => l.Kind == "Conv2d").OutputShape;
        CollectionAssert.AreEqual(new long[] { 8, 16, 16 }, firstConvShape);
        Assert.AreEqual(vgg.Layers.Sum(l => l.ParameterCount), summary.Sum(l => l.Parameters));
        // The last spatial activation after the last conv, not the pool after it.
        Layer cam = vgg.LastConvolutionalBlock;
        Assert.IsInstanceOfType<Relu>(cam);
        Assert.AreEqual("/features/features.6/Relu", cam.Name);
        Assert.IsInstanceOfType<Linear>(vgg.Classifier);
        Assert.AreSame(cam, vgg["/features/features.6/Relu"]);
        Assert.HasCount(1, vgg.Select("/features/features.0/Conv"));
        Assert.HasCount(vgg.Layers.Count(l => l.Name.Contains("/features/")), vgg.Select("/features/"));
        var e = Assert.ThrowsExactly<KeyNotFoundException>(() => vgg["nope"]);
        StringAssert.Contains(e.Message, "nope");

        using Network resnet = Load("tiny_resnet_opset13");
        Assert.IsTrue(resnet.Layers.OfType<Arithmetic>().Any(a => a.Op == ArithmeticOp.Add && a.Inputs.All(i => !resnet.IsConstant(i))), "residual Adds are explicit layers");
        StringAssert.Contains(resnet.LastConvolutionalBlock.Name, "layer2");
    }

    [TestMethod]
    public void Reinitialization_is_seeded_and_only_touches_the_named_layer()
    {
        using DisposeScope scope = NewDisposeScope();
        using Network a = Load("tiny_vgg_opset13");
        using Network b = a.Clone();
        string conv = a.Layers.OfType<Conv2d>().Last().Name;
        string other = a.Layers.OfType<Conv2d>().First().Name;
        a.ReinitializeParameters(conv, 0.01, seed: 5);
        b.ReinitializeParameters(conv, 0.01, seed: 5);
        var ca = (Conv2d)a[conv];
        AssertClose(ca.Weight, ((Conv2d)b[conv]).Weight, 0, "same seed, same weights");
        Assert.AreEqual(0.01, ca.Weight.std().ItemAs<float>(), 0.002);
        Assert.AreEqual(0.0, ca.Bias!.abs().max().ItemAs<float>());
        using Network fresh = Load("tiny_vgg_opset13");
        AssertClose(((Conv2d)fresh[other]).Weight, ((Conv2d)a[other]).Weight, 0, "other layers untouched");
        Assert.IsGreaterThan(0.0, MaxAbsDiff(((Conv2d)fresh[conv]).Weight, ca.Weight));
    }

    [TestMethod]
    public void Forward_checks_input_shape_and_dtype()
    {
        using Network vgg = Load("tiny_vgg_opset13");
        using Tensor wrong = zeros(2, 1, 16, 16);
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => vgg.Forward(wrong)).Message, "[N,3,16,16]");
        using Tensor doubles = zeros([2, 3, 16, 16], ScalarType.Float64);
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => vgg.Forward(doubles)).Message, "float32");
        Assert.ThrowsExactly<NotSupportedException>(() => vgg.To(ComputeDevice.Parse("cuda")));
    }
}
