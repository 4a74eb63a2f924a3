using Microsoft.ML.Attribution.Methods;
using TorchSharp;
using Microsoft.ML.Attribution.Tensors;
using static TorchSharp.torch;

namespace Microsoft.ML.Attribution.Tests.Methods;

/// <summary>
/// Our backward methods against Captum and Zennit on the same trained model, inputs and targets (≤ 1e-4 relative
/// to the reference's largest magnitude). Zennit seeds relevance with 1 at the target, so those runs use SeedKind.One.
/// </summary>
[TestClass]
public sealed class PeerBackwardMethodTests : TorchTest
{
    private static void AssertMatches(string referenceFile, Func<PeerReference, IAttributionMethod> create, double relative = 1e-4)
    {
        using DisposeScope scope = NewDisposeScope();
        using var peer = new PeerReference();
        using IAttributionMethod method = create(peer);
        using AttributionMap map = method.Attribute(peer.Inputs, Target.PerRow(peer.Targets));
        Tensor expected = PeerReference.Load(referenceFile);
        double scale = expected.abs().max().ItemAs<float>();
        AssertClose(expected, map.Map, relative * scale, $"{method.Name} vs {referenceFile}");
    }

    [TestMethod]
    public void Gradient_matches_captum_saliency() => AssertMatches("Saliency.npy", p => new Gradient(p.Network));

    [TestMethod]
    public void Gradient_times_input_matches_captum() => AssertMatches("InputXGradient.npy", p => new GradientTimesInput(p.Network));

    [TestMethod]
    public void Guided_backprop_matches_captum() => AssertMatches("GuidedBackprop.npy", p => new GuidedBackprop(p.Network));

    [TestMethod]
    public void Deconvnet_matches_captum() => AssertMatches("Deconvolution.npy", p => new DeconvNet(p.Network));

    [TestMethod]
    public void Lrp_epsilon_matches_zennit() =>
        AssertMatches("Zennit_Epsilon.npy", p => new Lrp(p.Network, new LrpOptions { Composite = "epsilon", Seed = SeedKind.One }));

    [TestMethod]
    public void Lrp_epsilon_plus_flat_matches_zennit() =>
        AssertMatches("Zennit_EpsilonPlusFlat.npy", p => new Lrp(p.Network, new LrpOptions { Composite = "epsilon-plus-flat", Seed = SeedKind.One }));

    [TestMethod]
    public void Lrp_epsilon_alpha2_beta1_flat_matches_zennit() =>
        AssertMatches("Zennit_EpsilonAlpha2Beta1Flat.npy", p => new Lrp(p.Network, new LrpOptions { Composite = "epsilon-alpha2-beta1-flat", Seed = SeedKind.One }));

    [TestMethod]
    public void Lrp_epsilon_gamma_box_matches_zennit() =>
        AssertMatches("Zennit_EpsilonGammaBox.npy", p => new Lrp(p.Network, new LrpOptions
        {
            Composite = "epsilon-gamma-box",
            Seed = SeedKind.One,
            Low = [p.Number("zbox_low")],
            High = [p.Number("zbox_high")],
        }));
}
