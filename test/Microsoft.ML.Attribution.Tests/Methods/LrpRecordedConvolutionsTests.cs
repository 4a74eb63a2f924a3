using Microsoft.ML.Attribution.Graph;
using Microsoft.ML.Attribution.Graph.Layers;
using Microsoft.ML.Attribution.Methods;
using Microsoft.ML.Attribution.Tests.Graph;
using Microsoft.ML.Attribution.Torch;
using static Microsoft.ML.Attribution.Torch.torch;

namespace Microsoft.ML.Attribution.Tests.Methods;

/// <summary>
/// LRP records its forward with Winograd's convolutions when the composite's rules tolerate their rounding (z⁺, αβ,
/// flat, pass) and with libtorch's exact ones otherwise (ε, γ); the option overrides either way.
/// </summary>
[TestClass]
public sealed class LrpRecordedConvolutionsTests : TorchTest
{
    [TestMethod]
    public void A_Winograd_recorded_forward_gives_the_exact_logits_to_rounding()
    {
        using DisposeScope scope = NewDisposeScope();
        using var g = new Generator(23);
        using Network network = ModifiedWeightPassesTests.VggLike(g);
        Tensor x = randn([2, 3, 12, 10], g);
        var wino = (Conv2d)network["wino"];
        Tensor exact, rounded;
        using (Tape tape = network.Record(x)) exact = tape.Logits.clone();
        Assert.AreEqual(0, wino.OneDnnPasses, "an exact recording is libtorch's");
        using (Tape tape = network.Record(x, RecordedConvolutions.Winograd)) rounded = tape.Logits.clone();
        Assert.AreEqual(1, wino.OneDnnPasses, "the recorded convolution went through oneDNN");
        Assert.AreEqual(0, ((Conv2d)network["stem"]).OneDnnPasses, "3 input channels: libtorch's");
        AssertClose(exact, rounded, 1e-5 * Range(exact), "logits");

        network.WinogradGradients = false;
        using (Tape tape = network.Record(x, RecordedConvolutions.Winograd)) AssertClose(exact, tape.Logits, 0, "WinogradGradients = false: exact");
        Assert.AreEqual(1, wino.OneDnnPasses);
    }

    [TestMethod]
    [DataRow("epsilon-plus-flat", RecordedConvolutions.Winograd)]
    [DataRow("epsilon-alpha2-beta1-flat", RecordedConvolutions.Winograd)]
    [DataRow("z-plus", RecordedConvolutions.Winograd)]
    [DataRow("epsilon", RecordedConvolutions.Exact)]          // LRP-ε divides by z itself
    [DataRow("epsilon-gamma-box", RecordedConvolutions.Exact)] // γ splits by the sign of z
    public void The_composite_decides_how_the_forward_is_recorded(string composite, RecordedConvolutions expected)
    {
        using DisposeScope scope = NewDisposeScope();
        using var g = new Generator(29);
        using Network network = ModifiedWeightPassesTests.VggLike(g);
        Tensor x = randn([2, 3, 12, 10], g);
        Tensor Map(RecordedConvolutions? convolutions)
        {
            var options = new LrpOptions
            {
                Composite = composite, Seed = SeedKind.One, MergeBatchNorm = false, Convolutions = convolutions, Low = [-4.0], High = [4.0],
            };
            using var lrp = new Lrp(network, options);
            using AttributionMap map = lrp.Attribute(x, Target.PerRow([1, 3]));
            return map.Map.clone();
        }
        Tensor automatic = Map(null), exact = Map(RecordedConvolutions.Exact), winograd = Map(RecordedConvolutions.Winograd);
        AssertClose(expected == RecordedConvolutions.Exact ? exact : winograd, automatic, 0, $"{composite}: the default records {expected}");
        Assert.IsGreaterThan(0.0, MaxAbsDiff(exact, winograd), "the two recordings differ by the kernels' rounding");
        if (expected == RecordedConvolutions.Winograd)
            AssertClose(exact, winograd, 1e-5 * Range(exact), $"{composite}: Winograd-recorded map vs exact");
    }
}
