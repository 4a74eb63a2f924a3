using Microsoft.ML.Attribution.Methods;
using TorchSharp;
using Microsoft.ML.Attribution.Tensors;
using static TorchSharp.torch;

namespace Microsoft.ML.Attribution.Tests.Methods;

/// <summary>
/// The CAM methods against Captum and pytorch-grad-cam on the trained peer model, layer torch `features.14` (the last
/// max pool, 64×8×8), whose ONNX node is "/features/features.14/MaxPool". Deviations are relative to the reference's
/// largest magnitude. pytorch-grad-cam returns [N, H, W] maps after its own scaling (ReLU, per-image min-max,
/// cv2.resize INTER_LINEAR, min-max again): we apply the same scaling to our layer-resolution cam
/// (CamPostprocessing.PytorchGradCamStyle) and compare with the reference reshaped to [N, 1, H, W].
/// cv2's INTER_LINEAR on float32 is bilinear with half-pixel centres, i.e. align_corners=false, so the 1e-4 bound holds
/// for those too (observed: Captum 0, pytorch-grad-cam ≤ 6e-7, float32 rounding).
/// </summary>
[TestClass]
public sealed class PeerCamMethodTests : TorchTest
{
    private const string Features14 = "/features/features.14/MaxPool";

    private void AssertMatches(string referenceFile, Func<PeerReference, IAttributionMethod> create, Func<AttributionMap, Tensor> ours, double relative)
    {
        using DisposeScope scope = NewDisposeScope();
        using var peer = new PeerReference();
        using IAttributionMethod method = create(peer);
        using AttributionMap map = method.Attribute(peer.Inputs, Target.PerRow(peer.Targets));
        Tensor actual = ours(map);
        Tensor expected = PeerReference.Load(referenceFile).reshape(actual.shape);
        double scale = expected.abs().max().ItemAs<float>();
        double deviation = MaxAbsDiff(actual, expected) / scale;
        TestContext.WriteLine($"{method.Name} vs {referenceFile}: max deviation {deviation:E2} of the reference's largest magnitude");
        Assert.IsLessThanOrEqualTo(relative, deviation, $"{method.Name} vs {referenceFile}: relative deviation {deviation:E3} > {relative:E1}");
    }

    private static Tensor PytorchGradCamScaled(AttributionMap map) => CamPostprocessing.PytorchGradCamStyle(map.Extras["cam"], 64, 64);

    [TestMethod]
    public void Grad_cam_matches_captum_layer_grad_cam_upsampled() =>
        AssertMatches("LayerGradCam_upsampled.npy", p => new GradCam(p.Network, new GradCamOptions { Layer = Features14 }), m => m.Map, 1e-4);

    [TestMethod]
    public void Guided_grad_cam_matches_captum() =>
        AssertMatches("GuidedGradCam.npy", p => new GuidedGradCam(p.Network, new GuidedGradCamOptions { Layer = Features14 }), m => m.Map, 1e-4);

    [TestMethod]
    public void Grad_cam_matches_pytorch_grad_cam() =>
        AssertMatches("PGC_GradCAM.npy", p => new GradCam(p.Network, new GradCamOptions { Layer = Features14 }), PytorchGradCamScaled, 1e-4);

    [TestMethod]
    public void Grad_cam_plus_plus_matches_pytorch_grad_cam() =>
        AssertMatches("PGC_GradCAMPlusPlus.npy", p => new GradCamPlusPlus(p.Network, new GradCamPlusPlusOptions { Layer = Features14 }), PytorchGradCamScaled, 1e-4);

    [TestMethod]
    public void Score_cam_matches_pytorch_grad_cam() =>
        AssertMatches("PGC_ScoreCAM.npy", p => new ScoreCam(p.Network, new ScoreCamOptions { Layer = Features14 }), PytorchGradCamScaled, 1e-4);

    /// <summary>FullGrad's default aggregation is pytorch-grad-cam's, final per-image scaling included: no conversion.</summary>
    [TestMethod]
    public void Full_grad_matches_pytorch_grad_cam() =>
        AssertMatches("PGC_FullGrad.npy", p => new FullGrad(p.Network), m => m.Map, 1e-4);
}
