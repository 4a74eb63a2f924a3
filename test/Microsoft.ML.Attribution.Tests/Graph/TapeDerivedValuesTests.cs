using Microsoft.ML.Attribution.Graph;
using Microsoft.ML.Attribution.Graph.Layers;
using TorchSharp;
using Microsoft.ML.Attribution.Tensors;
using static TorchSharp.torch;

namespace Microsoft.ML.Attribution.Tests.Graph;

/// <summary>
/// Rules' derived tensors (modified forwards) are kept by a tape only when it is asked to (several propagations over one
/// tape); otherwise each request computes afresh and the caller owns the result, so one propagation holds nothing extra.
/// </summary>
[TestClass]
public sealed class TapeDerivedValuesTests : TorchTest
{
    [TestMethod]
    public void A_tape_keeps_derived_values_only_when_asked()
    {
        using DisposeScope scope = NewDisposeScope();
        using var g = RandomGenerators.FromSeed(47);
        using Network network = VggLike(g);
        Tensor x = randn([2, 3, 12, 10], generator: g);
        int computed = 0;
        Tensor Compute()
        {
            computed++;
            return ones(3);
        }
        using (Tape tape = network.Record(x))
        {
            LayerTrace trace = tape["mid"];
            Assert.IsFalse(tape.KeepsDerivedValues, "off by default");
            Tensor first = trace.GetOrAdd(this, "z", Compute), second = trace.GetOrAdd(this, "z", Compute);
            Assert.AreEqual(2, computed, "computed afresh each time");
            Assert.AreNotSame(first, second);

            tape.KeepsDerivedValues = true;
            Tensor kept = trace.GetOrAdd(this, "z", Compute);
            Assert.AreSame(kept, trace.GetOrAdd(this, "z", Compute), "kept once asked");
            Assert.AreEqual(3, computed);
            kept.DetachFromDisposeScope(); // the tape owns it: disposed with the tape, which the leak check below confirms
        }
    }

    /// <summary>3×3 convolutions around a 3-channel stem, a max pool (one with asymmetric padding after it) and a dense head.</summary>
    private static Network VggLike(Generator g)
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
