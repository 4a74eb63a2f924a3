using Microsoft.ML.Attribution.Composites;
using Microsoft.ML.Attribution.Graph;
using Microsoft.ML.Attribution.Maps;
using Microsoft.ML.Attribution.Rules;
using Microsoft.ML.Attribution.Tensors;
using static TorchSharp.torch;

namespace Microsoft.ML.Attribution.Methods;

/// <summary>
/// Guided Grad-CAM (Selvaraju et al. 2017), as Captum: guided backpropagation ⊙ Grad-CAM upsampled to the input
/// (nearest by default). Map is input-shaped [N, C, H, W]; Extras hold the Grad-CAM "cam" and "weights".
/// One recorded forward, a plain backward to the layer and a guided backward to the input.
/// </summary>
public sealed class GuidedGradCam : CamMethod
{
    public GuidedGradCam(Network network, GuidedGradCamOptions? options = null)
        : base(network, options ??= new GuidedGradCamOptions()) => Options = options;

    public GuidedGradCamOptions Options { get; }

    public override string Name => "guided-gradcam";

    protected override AttributionMap Compute(Tensor input, Target target, CancellationToken cancellation)
    {
        using var tape = Network.Record(input);
        var (targets, scores, activations, gradients) = LayerGradients(tape, target, cancellation);
        Tensor weights = gradients.mean([2, 3]);
        Tensor cam = WeightedSum(weights, activations, Options.Relu);
        using Tensor seed = Backpropagation.OneHot(tape.Logits, targets);
        using BackwardResult guided = Backpropagation.Run(tape, seed, NamedComposites.GuidedBackprop().For(Network), cancellation: cancellation);
        using Tensor upsampled = MapResize.ToSizeOf(cam, input, Options.Upsampling);
        Tensor map = guided.Input! * upsampled;
        return new AttributionMap(Name, map, targets, scores, new Dictionary<string, Tensor> { ["cam"] = cam, ["weights"] = weights });
    }
}
