using Microsoft.ML.Attribution.Composites;
using Microsoft.ML.Attribution.Graph;
using Microsoft.ML.Attribution.Graph.Layers;
using Microsoft.ML.Attribution.Rules;
using TorchSharp;
using Microsoft.ML.Attribution.Tensors;
using static TorchSharp.torch;

namespace Microsoft.ML.Attribution.Tests.Rules;

/// <summary>
/// Dense layers keep no kernels for modified weights: a rule call makes W⁺ (and b⁺) once and shares it between its forward
/// and its transpose. The maps must equal the rules' definitions written out, with one copy per parameter per call.
/// </summary>
[TestClass]
public sealed class ModifiedPassesTests : TorchTest
{
    [TestMethod]
    public void A_rule_call_makes_each_modified_dense_parameter_once()
    {
        using DisposeScope scope = NewDisposeScope();
        using var g = RandomGenerators.FromSeed(61);
        Tensor w1 = randn([6, 5], ScalarType.Float64, generator: g), b1 = randn([6], ScalarType.Float64, generator: g);
        Tensor w2 = randn([3, 6], ScalarType.Float64, generator: g), b2 = randn([3], ScalarType.Float64, generator: g);
        Layer[] layers = [new Linear("fc1", "x", "a", w1.clone(), b1.clone()), new Relu("r", "a", "h"), new Linear("fc2", "h", "y", w2.clone(), b2.clone())];
        using var network = new Network(layers, [new GraphInput("x", [5], ScalarType.Float64)], ["y"]);
        Tensor x = randn([2, 5], ScalarType.Float64, generator: g).abs(); // non-negative: z⁺ takes its one-sided form everywhere
        using Tape tape = network.Record(x);
        Tensor seed = Backpropagation.OneHot(tape.Logits, [0, 2]);

        int before = ModifiedPasses.MadeCount;
        using BackwardResult zPlus = Backpropagation.Run(tape, seed, NamedComposites.ZPlus().For(network));
        Assert.AreEqual(4, ModifiedPasses.MadeCount - before, "W⁺ and b⁺ of each dense layer, once each");

        Tensor Step(Tensor input, Tensor w, Tensor b, Tensor r)
        {
            Tensor wp = w.clamp_min(0), z = input.matmul(wp.t()) + b.clamp_min(0);
            return input * (r / (z + 1e-6)).matmul(wp);
        }
        Tensor h = (x.matmul(w1.t()) + b1).relu();
        Tensor expected = Step(x, w1, b1, Step(h, w2, b2, seed));
        AssertClose(expected, zPlus.Input!, 1e-12, "z⁺ through two dense layers");

        // Excitation drops the bias: W⁺ of each dense layer, made once and shared by its forward and transpose.
        before = ModifiedPasses.MadeCount;
        using BackwardResult excitation = Backpropagation.Run(tape, seed, NamedComposites.ExcitationBackprop().For(network));
        Assert.AreEqual(2, ModifiedPasses.MadeCount - before, "W⁺ of each dense layer, once each");
        Tensor Excite(Tensor input, Tensor w, Tensor r)
        {
            Tensor wp = w.clamp_min(0);
            return input * (r / (input.matmul(wp.t()) + 1e-20)).matmul(wp);
        }
        AssertClose(Excite(x, w1, Excite(h, w2, seed)), excitation.Input!, 1e-12, "excitation through two dense layers");
    }
}
