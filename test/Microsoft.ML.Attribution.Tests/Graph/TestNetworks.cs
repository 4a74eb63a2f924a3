using Microsoft.ML.Attribution.Graph;
using Microsoft.ML.Attribution.Graph.Layers;
using static TorchSharp.torch;

namespace Microsoft.ML.Attribution.Tests.Graph;

/// <summary>Small networks built layer by layer, for tests that need a whole graph but no ONNX file.</summary>
internal static class TestNetworks
{
    /// <summary>3×3 convolutions around a 3-channel stem, a max pool (one with asymmetric padding after it) and a dense head.</summary>
    public static Network VggLike(Generator g)
    {
        Layer[] layers =
        [
            new Conv2d("stem", "x", "a", randn([16, 3, 3, 3], generator: g) * 0.3, randn([16], generator: g) * 0.1, [1, 1], [1, 1, 1, 1], [1, 1], 1),
            new Relu("r1", "a", "b"),
            new Conv2d("mid", "b", "c", randn([32, 16, 3, 3], generator: g) * 0.1, randn([32], generator: g) * 0.1, [1, 1], [1, 1, 1, 1], [1, 1], 1),
            new Relu("r2", "c", "d"),
            new MaxPool2d("pool", "d", "e", [2, 2], [2, 2], [0, 0, 0, 0], [1, 1], false),
            new Conv2d("asym", "e", "f", randn([32, 32, 3, 3], generator: g) * 0.1, null, [1, 1], [0, 0, 1, 2], [1, 1], 1),
            new Relu("r3", "f", "h"),
            new AdaptiveAvgPool2d("gap", "h", "p", [1, 1]),
            new Reshape("flat", "p", "q", [-1]),
            new Linear("fc", "q", "y", randn([5, 32], generator: g), randn([5], generator: g)),
        ];
        return new Network(layers, [new GraphInput("x", [3, 12, 10], ScalarType.Float32)], ["y"]);
    }
}
