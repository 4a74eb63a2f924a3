using Microsoft.ML.Attribution.Graph;
using Microsoft.ML.Attribution.Graph.Layers;
using Microsoft.ML.Attribution.Rules;
using TorchSharp;
using Microsoft.ML.Attribution.Tensors;
using static TorchSharp.torch;

namespace Microsoft.ML.Attribution.Tests.Graph;

/// <summary>
/// Large dense layers run modified passes a block of output units at a time (no whole W⁺ copy per pass); the result is
/// the whole-copy pass's, to summation order.
/// </summary>
[TestClass]
public sealed class LinearModifiedBlocksTests : TorchTest
{
    [TestMethod]
    [DataRow(ScalarType.Float32, 1e-5)]
    [DataRow(ScalarType.Float64, 1e-12)]
    public void Blockwise_passes_equal_whole_copies(ScalarType dtype, double tolerance)
    {
        using DisposeScope scope = NewDisposeScope();
        using var g = RandomGenerators.FromSeed(41);
        long elementBytes = dtype == ScalarType.Float64 ? 8 : 4;
        // Just over the threshold, with an output count that leaves a short last block.
        long inputs = 1024, outputs = Linear.BlockwiseModificationBytes / (inputs * elementBytes) + 37;
        using var layer = new Linear("fc", "x", "y", randn([outputs, inputs], generator: g).to(dtype), randn([outputs], generator: g).to(dtype));
        Assert.IsTrue(layer.RunsModifiedPassesItself, "a large weight runs its modified passes block by block");
        Tensor x = randn([3, inputs], generator: g).to(dtype);
        Tensor s = randn([3, outputs], generator: g).to(dtype);
        foreach (WeightModifier modifier in new[] { WeightModifier.Positive, WeightModifier.Negated.Then(WeightModifier.Positive), WeightModifier.Gamma(0.25, positive: true) })
        {
            foreach (bool withBias in new[] { false, true })
            {
                Tensor whole = ILinearLayer.ForwardWithModifiedCopies(layer, x, modifier, withBias);
                Tensor blocks = layer.ForwardModified(x, modifier, withBias);
                AssertClose(whole, blocks, tolerance * Range(whole), $"{modifier.Key} forward, bias {withBias}");
            }
            Tensor wholeT = ILinearLayer.TransposeWithModifiedCopy(layer, s, x, modifier);
            Tensor blocksT = layer.TransposeModified(s, x, modifier);
            AssertClose(wholeT, blocksT, tolerance * Range(wholeT), $"{modifier.Key} transpose");
        }

        // Rules sharing modified parameters within a call leave a large layer to its own block passes: no copy made.
        int before = ModifiedPasses.MadeCount;
        using (ModifiedPasses.Share())
        {
            Tensor viaRules = ModifiedPasses.Forward(layer, x, WeightModifier.Positive, withBias: true);
            AssertClose(layer.ForwardModified(x, WeightModifier.Positive, true), viaRules, 0, "ModifiedPasses asks the layer");
            ModifiedPasses.Transpose(layer, s, x, WeightModifier.Positive);
        }
        Assert.AreEqual(before, ModifiedPasses.MadeCount, "no whole W⁺ made for a large dense layer");
    }

    [TestMethod]
    public void Small_weights_keep_whole_copies()
    {
        using DisposeScope scope = NewDisposeScope();
        using var g = RandomGenerators.FromSeed(43);
        using var layer = new Linear("fc", "x", "y", randn([10, 20], generator: g), null);
        Assert.IsFalse(layer.RunsModifiedPassesItself);
        Tensor x = randn([2, 20], generator: g);
        AssertClose(ILinearLayer.ForwardWithModifiedCopies(layer, x, WeightModifier.Positive, false), layer.ForwardModified(x, WeightModifier.Positive, false), 0, "same call");
    }
}
