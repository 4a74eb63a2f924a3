using Microsoft.ML.Attribution.Composites;
using Microsoft.ML.Attribution.Graph;
using Microsoft.ML.Attribution.Graph.Layers;
using Microsoft.ML.Attribution.Rules;
using TorchSharp;
using Microsoft.ML.Attribution.Tensors;
using static TorchSharp.torch;

namespace Microsoft.ML.Attribution.Tests.Rules;

/// <summary>
/// LRP-flat through a convolution runs channel-free (one single-channel convolution each way); it must equal the
/// definition — unit weights and inputs, z = L(1; 1), R_in = Lᵀ(R / z; 1) — for every geometry.
/// </summary>
[TestClass]
public sealed class FlatRuleTests : TorchTest
{
    [TestMethod]
    [DataRow(1L, 1L, new long[] { 1, 1, 1, 1 })]
    [DataRow(2L, 1L, new long[] { 1, 1, 1, 1 })]
    [DataRow(2L, 1L, new long[] { 0, 0, 1, 2 })] // asymmetric padding
    [DataRow(1L, 2L, new long[] { 2, 2, 2, 2 })] // dilation
    [DataRow(3L, 1L, new long[] { 0, 0, 0, 0 })]
    public void Flat_through_a_convolution_equals_its_definition(long stride, long dilation, long[] padding)
    {
        using DisposeScope scope = NewDisposeScope();
        using var g = RandomGenerators.FromSeed(31);
        var conv = new Conv2d("c", "x", "y", randn([8, 3, 3, 3], ScalarType.Float64, generator: g), randn([8], ScalarType.Float64, generator: g),
            [stride, stride], padding, [dilation, dilation], 1);
        using var network = new Network([conv], [new GraphInput("x", [3, 11, 9], ScalarType.Float64)], ["y"]);
        Tensor x = randn([2, 3, 11, 9], ScalarType.Float64, generator: g);
        using Tape tape = network.Record(x);
        Tensor relevance = randn(tape.Logits.shape, ScalarType.Float64, generator: g);
        var rules = new Composite("flat", [(Composite.Is<Conv2d>(), new FlatRule())]).For(network);
        using BackwardResult result = Backpropagation.Run(tape, relevance, rules);

        Tensor unitWeight = ones_like(conv.Weight);
        Tensor z = conv.ForwardWith(ones_like(x), unitWeight, null);
        Tensor expected = conv.TransposeWith(relevance / (z + 1e-6), x, unitWeight);
        AssertClose(expected, result.Input!, 1e-12, $"flat, stride {stride}, dilation {dilation}, padding [{string.Join(",", padding)}]");
    }
}
