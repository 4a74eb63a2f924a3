using Microsoft.ML.Attribution.Graph;
using Microsoft.ML.Attribution.Graph.Layers;
using Microsoft.ML.Attribution.Rules;
using Microsoft.ML.Attribution.Tensors;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Attribution.Tests.Graph;

/// <summary>
/// A tape recorded for gradients only (<see cref="Network.RecordForGradients"/>): ReLUs rectify their input in place where
/// nothing else reads it, the gradient is the full tape's bit for bit, and whatever was overwritten cannot be read by mistake.
/// </summary>
[TestClass]
public sealed class GradientTapeTests : TorchTest
{
    /// <summary>A residual block with a batch norm, then a max pool before a ReLU (not a producer the ReLU may overwrite).</summary>
    private static Network Residual(Generator g)
    {
        Tensor Weights(params long[] shape) => randn(shape, ScalarType.Float64, generator: g) * 0.3;
        Layer[] layers =
        [
            new Conv2d("stem", "x", "a", Weights(8, 3, 3, 3), Weights(8), [1, 1], [1, 1, 1, 1], [1, 1], 1),
            new Relu("r1", "a", "b"),                      // a: read by r1 alone → rectified in place
            new Conv2d("conv", "b", "c", Weights(8, 8, 3, 3), null, [1, 1], [1, 1, 1, 1], [1, 1], 1),
            new BatchNorm("bn", "c", "d", Weights(8).abs() + 0.5, Weights(8), Weights(8), Weights(8).abs() + 0.5, 1e-5),
            new Relu("r2", "d", "e"),                      // d: a batch norm's output → rectified
            new Arithmetic("add", "e", "b", "f", ArithmeticOp.Add), // b: read by the conv and the add → kept
            new Relu("r3", "f", "h"),                      // f: a residual sum → rectified
            new MaxPool2d("pool", "h", "i", [2, 2], [2, 2], [0, 0, 0, 0], [1, 1], false),
            new Relu("r4", "i", "j"),                      // i: a max pool's output (its backward reads it) → kept
            new AdaptiveAvgPool2d("gap", "j", "p", [1, 1]),
            new Reshape("flat", "p", "q", [-1]),
            new Linear("fc", "q", "y", Weights(5, 8), Weights(5)),
        ];
        return new Network(layers, [new GraphInput("x", [3, 12, 10], ScalarType.Float64)], ["y"]);
    }

    [TestMethod]
    public void A_gradient_tape_gives_the_full_tapes_gradient_and_refuses_to_show_what_it_overwrote()
    {
        using DisposeScope scope = NewDisposeScope();
        using var g = RandomGenerators.FromSeed(17);
        using Network network = Residual(g);
        Tensor x = randn([2, 3, 12, 10], ScalarType.Float64, generator: g);
        using IDisposable noGrad = no_grad();
        using Tape full = network.Record(x);
        using Tape lean = network.RecordForGradients(x);
        Assert.IsFalse(full.GradientsOnly);
        Assert.IsTrue(lean.GradientsOnly);
        AssertClose(full.Logits, lean.Logits, 0, "logits");
        Tensor seed = Backpropagation.OneHot(full.Logits, [1, 3]);
        using BackwardResult expected = Backpropagation.Run(full, seed, _ => GradientRule.Instance);
        using BackwardResult actual = Backpropagation.Run(lean, seed, _ => GradientRule.Instance);
        AssertClose(expected.Input!, actual.Input!, 0, "input gradient");

        foreach (string kept in new[] { "b", "e", "h", "i", "j" })
            AssertClose(full.Value(kept), lean.Value(kept), 0, $"value '{kept}' is kept as recorded");
        foreach (string overwritten in new[] { "a", "d", "f" })
        {
            var error = Assert.ThrowsExactly<InvalidOperationException>(() => lean.Value(overwritten));
            StringAssert.Contains(error.Message, "rectified in place");
        }
        StringAssert.Contains(Assert.ThrowsExactly<InvalidOperationException>(() => lean["stem"].Output).Message, "ReLU 'r1'");
        StringAssert.Contains(Assert.ThrowsExactly<InvalidOperationException>(() => lean["r2"].Input).Message, "input of ReLU 'r2'");
        AssertClose(full["r1"].Output, lean["r1"].Output, 0, "a ReLU's own output stays readable");
        AssertClose(full["pool"].Output, lean["pool"].Output, 0, "a max pool's output is not overwritten");
        Assert.ThrowsExactly<KeyNotFoundException>(() => lean.Value("nothing"), "an unknown name is still unknown");
    }

    [TestMethod]
    public void With_autograd_on_the_gradient_tape_is_a_full_tape()
    {
        // An in-place ReLU would invalidate what autograd saved for a backward through the recorded pass.
        using DisposeScope scope = NewDisposeScope();
        using var g = RandomGenerators.FromSeed(18);
        using Network network = Residual(g);
        Tensor x = randn([1, 3, 12, 10], ScalarType.Float64, generator: g);
        using IDisposable grad = enable_grad();
        using Tape tape = network.RecordForGradients(x);
        Assert.IsFalse(tape.GradientsOnly);
        AssertClose(network.Forward(x), tape.Value("y"), 0, "the recorded forward");
        Assert.IsNotNull(tape["stem"].Output);
    }
}
