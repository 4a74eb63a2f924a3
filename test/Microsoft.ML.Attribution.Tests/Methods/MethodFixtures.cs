using Microsoft.ML.Attribution.Graph;
using Microsoft.ML.Attribution.Graph.Layers;
using Microsoft.ML.Attribution.Maps;
using Microsoft.ML.Attribution.Onnx;
using TorchSharp;
using Microsoft.ML.Attribution.Tensors;
using static TorchSharp.torch;

namespace Microsoft.ML.Attribution.Tests.Methods;

/// <summary>Networks and inputs for method tests: the committed tiny ONNX exports in float64, and hand-built graphs.</summary>
internal static class MethodFixtures
{
    /// <summary>Tiny exported CNNs covering conv/BN/ReLU/max-pool/avg-pool/residual Add/concat/linear.</summary>
    public static readonly string[] TinyModels = ["tiny_vgg_opset13", "tiny_vgg_opset13_train", "tiny_resnet_opset13", "tiny_resnet_opset13_train", "tiny_dense_opset11_dynamic"];

    public static string Fixture(params string[] parts) => Path.Combine(new[] { AppContext.BaseDirectory, "fixtures" }.Concat(parts).ToArray());

    /// <summary>A tiny exported model converted to float64, and its stored input batch (float64).</summary>
    public static (Network network, Tensor input) Float64(string name)
    {
        using Network float32 = OnnxImporter.Load(Fixture("onnx", name + ".onnx"));
        Network network = float32.To(ScalarType.Float64);
        using Tensor input32 = Npy.Load(Fixture("onnx", name + ".input.npy"));
        return (network, input32.to(ScalarType.Float64));
    }

    /// <summary>∂ logit[target] / ∂ input by libtorch autograd through the network's differentiable forward.</summary>
    public static Tensor AutogradGradient(Network network, Tensor input, long[] targets)
    {
        using var scope = NewDisposeScope();
        using IDisposable grad = enable_grad();
        Tensor x = input.detach().requires_grad_();
        Tensor logits = network.ForwardLogits(x);
        Tensor picked = logits.gather(1, tensor(targets).reshape(-1, 1)).sum();
        return SafeAutograd.Grad([picked], [x])[0]!.MoveToOuterDisposeScope();
    }

    /// <summary>conv → max-pool → avg-pool → flatten → linear, no activation (guided/deconv must equal the gradient).</summary>
    public static Network WithoutRelu(long seed)
    {
        using var g = RandomGenerators.FromSeed(seed);
        var layers = new Layer[]
        {
            new Conv2d("conv", "x", "c", randn([4, 3, 3, 3], ScalarType.Float64, generator: g).DetachFromDisposeScope(), randn([4], ScalarType.Float64, generator: g).DetachFromDisposeScope(), [1, 1], [1, 1, 1, 1], [1, 1], 1),
            new MaxPool2d("pool", "c", "p", [2, 2], [2, 2], [0, 0, 0, 0], [1, 1], false),
            new AvgPool2d("avg", "p", "a", [2, 2], [1, 1], [0, 0, 0, 0], false, false),
            new Reshape("flatten", "a", "f", [4 * 3 * 3], "Flatten"),
            new Linear("fc", "f", "y", randn([5, 36], ScalarType.Float64, generator: g).DetachFromDisposeScope(), randn([5], ScalarType.Float64, generator: g).DetachFromDisposeScope()),
        };
        return new Network(layers, [new GraphInput("x", [3, 8, 8], ScalarType.Float64)], ["y"]);
    }
}
