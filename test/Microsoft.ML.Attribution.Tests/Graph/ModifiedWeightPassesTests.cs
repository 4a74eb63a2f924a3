using Microsoft.ML.Attribution.Composites;
using Microsoft.ML.Attribution.Graph;
using Microsoft.ML.Attribution.Graph.Layers;
using Microsoft.ML.Attribution.Rules;
using Microsoft.ML.Attribution.Torch;
using static Microsoft.ML.Attribution.Torch.torch;

namespace Microsoft.ML.Attribution.Tests.Graph;

/// <summary>
/// LRP-type rules evaluate convolutions with modified weights (W⁺, W⁻, W + γW⁺, (−W)⁺). Qualifying layers run those
/// passes through Winograd kernels kept per modifier: the maps must equal libtorch's direct passes to the kernels'
/// rounding, the fast path must really be taken, and kernels must follow a weight that changed.
/// </summary>
[TestClass]
public sealed class ModifiedWeightPassesTests : TorchTest
{
    /// <summary>3×3 convolutions with whole channel blocks (Winograd kernels apply) around a 3-channel stem, a max pool and a dense head.</summary>
    internal static Network VggLike(Generator g)
    {
        Layer[] layers =
        [
            new Conv2d("stem", "x", "a", randn([16, 3, 3, 3], g) * 0.3, randn([16], g) * 0.1, [1, 1], [1, 1, 1, 1], [1, 1], 1),
            new Relu("r1", "a", "b"),
            new Conv2d("wino", "b", "c", randn([32, 16, 3, 3], g) * 0.1, randn([32], g) * 0.1, [1, 1], [1, 1, 1, 1], [1, 1], 1),
            new Relu("r2", "c", "d"),
            new MaxPool2d("pool", "d", "e", [2, 2], [2, 2], [0, 0, 0, 0], [1, 1], false),
            new Conv2d("asym", "e", "f", randn([32, 32, 3, 3], g) * 0.1, null, [1, 1], [0, 0, 1, 2], [1, 1], 1),
            new Relu("r3", "f", "h"),
            new AdaptiveAvgPool2d("gap", "h", "p", [1, 1]),
            new Reshape("flat", "p", "q", [-1]),
            new Linear("fc", "q", "y", randn([5, 32], g), randn([5], g)),
        ];
        return new Network(layers, [new GraphInput("x", [3, 12, 10], ScalarType.Float32)], ["y"]);
    }

    private static readonly Dictionary<string, Func<Composite>> Composites = new()
    {
        ["epsilon-plus-flat"] = () => NamedComposites.EpsilonPlusFlat(),
        ["epsilon-alpha2-beta1-flat"] = () => NamedComposites.EpsilonAlpha2Beta1Flat(),
        ["epsilon-gamma-box"] = () => NamedComposites.EpsilonGammaBox([-2.0], [2.0]),
        ["excitation-backprop"] = () => NamedComposites.ExcitationBackprop(),
        // A negated layer view composes its modifiers ("negated, then positive") and keeps kernels too.
        ["negated-z-plus"] = () => NamedComposites.ZPlus().WithLayerRules(new Dictionary<string, IRule>
        {
            ["wino"] = new NegatedWeightRule(new ZPlusRule()),
            ["asym"] = new NegatedWeightRule(new AlphaBetaRule(2, 1)),
        }),
    };

    [TestMethod]
    [DataRow("epsilon-plus-flat")]
    [DataRow("epsilon-alpha2-beta1-flat")]
    [DataRow("epsilon-gamma-box")]
    [DataRow("excitation-backprop")]
    [DataRow("negated-z-plus")]
    public void Winograd_modified_weight_passes_equal_libtorchs(string composite)
    {
        using DisposeScope scope = NewDisposeScope();
        using var g = new Generator(17);
        using Network network = VggLike(g);
        Tensor x = randn([2, 3, 12, 10], g);
        Func<Layer, IRule> rules = Composites[composite]().For(network);
        Tensor Pass()
        {
            using Tape tape = network.Record(x);
            Tensor seed = Backpropagation.OneHot(tape.Logits, [1, 3]);
            using BackwardResult r = Backpropagation.Run(tape, seed, rules);
            return r.Input!.clone();
        }
        var wino = (Conv2d)network["wino"];
        var asym = (Conv2d)network["asym"];
        network.WinogradGradients = false;
        Tensor direct = Pass();
        Assert.AreEqual(0, wino.OneDnnPasses + asym.OneDnnPasses, "WinogradGradients = false: libtorch's passes only");
        network.WinogradGradients = true;
        Tensor fast = Pass();
        Assert.IsGreaterThanOrEqualTo(2, wino.OneDnnPasses, "the modified forward and transpose of 'wino' went through oneDNN");
        Assert.IsGreaterThanOrEqualTo(2, asym.OneDnnPasses, "and those of 'asym' (asymmetric padding)");
        Assert.AreEqual(0, ((Conv2d)network["stem"]).OneDnnPasses, "3 input channels: libtorch's");
        Assert.IsFalse(direct.isnan().any().item<bool>(), "finite map");
        AssertClose(direct, fast, 1e-5 * Range(direct), $"{composite} map");
        // A second pass reuses the kept kernels and gives the same map.
        AssertClose(fast, Pass(), 0, "kept kernels");
    }

    [TestMethod]
    [DataRow("z-plus without bias")]
    [DataRow("alpha2-beta1")]
    [DataRow("excitation")]
    public void Units_over_all_zero_windows_leak_nothing_through_Winograds_tiles(string rule)
    {
        // A zero patch of the input next to non-zero values, and positive biases: units over the patch are active
        // (relu(b) > 0) but their bias-free z⁺ (or z⁻) is 0, so s = R/ε is huge. Direct transposes send it only onto
        // the patch's zeros; Winograd's would spread ~10⁻⁷ of it across the tile unless those units are dropped first.
        using DisposeScope scope = NewDisposeScope();
        using var g = new Generator(67);
        var conv = new Conv2d("wino", "x", "y", randn([32, 16, 3, 3], g) * 0.1, randn([32], g).abs() + 0.5, [1, 1], [1, 1, 1, 1], [1, 1], 1);
        using var network = new Network([conv, new Relu("r", "y", "z")], [new GraphInput("x", [16, 20, 20], ScalarType.Float32)], ["z"]);
        Tensor x = randn([2, 16, 20, 20], g).relu();
        x.narrow(2, 4, 10).narrow(3, 3, 12).zero_();
        IRule chosen = rule switch
        {
            "z-plus without bias" => new ZPlusRule(includeBias: false),
            "alpha2-beta1" => new AlphaBetaRule(2, 1),
            _ => ExcitationRule.Instance,
        };
        Func<Layer, IRule> rules = new Composite(rule, [(Composite.Is<Conv2d>(), chosen), (Composite.IsActivation, PassRule.Instance)]).For(network);
        Tensor Map()
        {
            using Tape tape = network.Record(x);
            using BackwardResult r = Backpropagation.Run(tape, tape.Output.clone(), rules);
            return r.Input!.clone();
        }
        network.WinogradGradients = false;
        Tensor exact = Map();
        network.WinogradGradients = true;
        Tensor fast = Map();
        Assert.IsGreaterThan(0, conv.OneDnnPasses, "the Winograd passes ran");
        Assert.AreEqual(0.0, fast.narrow(2, 5, 8).narrow(3, 4, 10).abs().max().item<float>(), "the patch's interior gets nothing");
        AssertClose(exact, fast, 1e-5 * Range(exact), $"{rule} beside a zero patch");
    }

    [TestMethod]
    public void Modified_kernels_follow_a_weight_changed_in_place()
    {
        using DisposeScope scope = NewDisposeScope();
        using var g = new Generator(19);
        using Network network = VggLike(g);
        var conv = (Conv2d)network["wino"];
        Tensor input = randn([2, 16, 12, 10], g).relu();
        Tensor gradOut = randn([2, 32, 12, 10], g);
        Tensor Direct(Func<Tensor> pass)
        {
            network.WinogradGradients = false;
            try { return pass(); }
            finally { network.WinogradGradients = true; }
        }
        Tensor Forward() => ((ILinearLayer)conv).ForwardModified(input, WeightModifier.Positive, withBias: true);
        Tensor Transpose() => ((ILinearLayer)conv).TransposeModified(gradOut, input, WeightModifier.Positive);

        AssertClose(Direct(Forward), Forward(), 1e-5 * Range(Direct(Forward)), "W⁺ forward");
        AssertClose(Direct(Transpose), Transpose(), 1e-5 * Range(Direct(Transpose)), "W⁺ transpose");
        Assert.AreEqual(2, conv.OneDnnPasses);

        using (no_grad()) conv.Weight.mul_(-1.5);
        using (no_grad()) conv.Bias!.add_(0.25);
        Tensor expectedForward = Direct(Forward), expectedTranspose = Direct(Transpose);
        AssertClose(expectedForward, Forward(), 1e-5 * Range(expectedForward), "W⁺ forward after the weight changed");
        AssertClose(expectedTranspose, Transpose(), 1e-5 * Range(expectedTranspose), "W⁺ transpose after the weight changed");
        Assert.AreEqual(4, conv.OneDnnPasses);
    }

    [TestMethod]
    public void A_layer_keeps_the_kernels_of_its_two_most_recent_modifiers()
    {
        using DisposeScope scope = NewDisposeScope();
        using var g = new Generator(41);
        using Network network = VggLike(g);
        var conv = (Conv2d)network["wino"];
        ILinearLayer layer = conv;
        Tensor input = randn([2, 16, 12, 10], g).relu();
        WeightModifier gamma = WeightModifier.Gamma(0.25, positive: true);
        foreach (WeightModifier m in new[] { WeightModifier.Positive, WeightModifier.Negative, gamma })
            layer.ForwardModified(input, m, withBias: true);
        CollectionAssert.AreEqual(new[] { "negative", gamma.Key }, conv.KeptModifierKeys, "W⁺'s packed copies were dropped");

        Tensor again = layer.ForwardModified(input, WeightModifier.Positive, withBias: true);
        CollectionAssert.AreEqual(new[] { gamma.Key, "positive" }, conv.KeptModifierKeys, "W⁺ repacked, W⁻ dropped");
        network.WinogradGradients = false;
        Tensor expected = layer.ForwardModified(input, WeightModifier.Positive, withBias: true);
        AssertClose(expected, again, 1e-5 * Range(expected), "the repacked kernel");
        Assert.AreEqual(4, conv.OneDnnPasses);
    }

    [TestMethod]
    public void Threads_that_evict_each_others_modifier_kernels_still_get_right_values()
    {
        // Three modifiers on one layer from two threads: each lookup may evict a kernel the other thread is about to run.
        using DisposeScope scope = NewDisposeScope();
        using var g = new Generator(43);
        using Network network = VggLike(g);
        ILinearLayer layer = (Conv2d)network["wino"];
        Tensor input = randn([2, 16, 12, 10], g).relu();
        WeightModifier[] modifiers = [WeightModifier.Positive, WeightModifier.Negative, WeightModifier.Gamma(0.25, positive: true)];
        network.WinogradGradients = false;
        Tensor[] expected = modifiers.Select(m => layer.ForwardModified(input, m, withBias: true)).ToArray();
        network.WinogradGradients = true;
        double[] worst = new double[2];
        Parallel.For(0, 2, new ParallelOptions { MaxDegreeOfParallelism = 2 }, thread =>
        {
            for (int i = 0; i < 30; i++)
            {
                using DisposeScope iteration = NewDisposeScope(); // scopes are per thread
                int k = (i + thread) % modifiers.Length;
                Tensor output = layer.ForwardModified(input, modifiers[k], withBias: true);
                worst[thread] = Math.Max(worst[thread], (output - expected[k]).abs().max().item<double>() / Range(expected[k]));
            }
        });
        Assert.IsLessThan(1e-5, worst.Max(), "relative error of the modified forwards under contention");
    }

    [TestMethod]
    public void Modifiers_compute_what_their_names_say()
    {
        using DisposeScope scope = NewDisposeScope();
        Tensor w = tensor(new float[] { -2, -0.5f, 0, 1, 3 });
        AssertClose(tensor(new float[] { 0, 0, 0, 1, 3 }), WeightModifier.Positive.Apply(w), 0, "W⁺");
        AssertClose(tensor(new float[] { -2, -0.5f, 0, 0, 0 }), WeightModifier.Negative.Apply(w), 0, "W⁻");
        AssertClose(tensor(new float[] { 2, 0.5f, 0, 0, 0 }), WeightModifier.Negated.Then(WeightModifier.Positive).Apply(w), 0, "(−W)⁺");
        AssertClose(tensor(new float[] { -2, -0.5f, 0, 1.25f, 3.75f }), WeightModifier.Gamma(0.25, positive: true).Apply(w), 1e-7, "W + γW⁺");
        AssertClose(tensor(new float[] { -2.5f, -0.625f, 0, 1, 3 }), WeightModifier.Gamma(0.25, positive: false).Apply(w), 1e-7, "W + γW⁻");
        Assert.AreEqual("negated>positive", WeightModifier.Negated.Then(WeightModifier.Positive).Key);
        Assert.AreNotEqual(WeightModifier.Gamma(0.25, true).Key, WeightModifier.Gamma(0.5, true).Key, "γ is part of the name");
        Assert.ThrowsExactly<ArgumentException>(() => new WeightModifier("", t => t));
    }

}
