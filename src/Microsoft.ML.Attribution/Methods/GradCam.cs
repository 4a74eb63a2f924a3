using Microsoft.ML.Attribution.Graph;
using Microsoft.ML.Attribution.Tensors;
using static TorchSharp.torch;

namespace Microsoft.ML.Attribution.Methods;

/// <summary>
/// Grad-CAM (Selvaraju et al. 2017): w_k = mean_hw φ(∂f_t/∂A_k), map = ReLU(Σ_k w_k·A_k). Extras also hold the
/// layer's "activations" and "gradients" [N, K, h, w].
/// </summary>
public sealed class GradCam : CamMethod
{
    public GradCam(Network network, GradCamOptions? options = null) : base(network, options ??= new GradCamOptions()) => Options = options;

    public GradCamOptions Options { get; }

    protected override bool ExplainsOpaqueModules => true;

    public override string Name => "gradcam";

    protected override AttributionMap Compute(Tensor input, Target target, CancellationToken cancellation)
    {
        using var tape = Network.RecordFrom(input, Layer.Output); // the layers below the CAM layer need no trace
        var (targets, scores, activations, gradients) = LayerGradients(tape, target, cancellation);
        using Tensor handled = Options.Gradients.Apply(gradients);
        Tensor weights = handled.mean([2, 3]);
        Tensor cam = WeightedSum(weights, activations, Options.Relu);
        return CamResult(input, cam, weights, targets, scores, Options.Upsampling,
            new Dictionary<string, Tensor> { ["activations"] = activations, ["gradients"] = gradients });
    }
}
