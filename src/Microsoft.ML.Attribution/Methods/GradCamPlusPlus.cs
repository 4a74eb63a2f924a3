using Microsoft.ML.Attribution.Graph;
using Microsoft.ML.Attribution.Tensors;
using static TorchSharp.torch;

namespace Microsoft.ML.Attribution.Methods;

/// <summary>
/// Grad-CAM++ (Chattopadhyay et al. 2018) in pytorch-grad-cam's closed form: with g = ∂f_t/∂A,
/// α = g² / (2g² + Σ_hw A·g³ + ε), α = 0 where g = 0, w_k = Σ_hw α·φ(g) (φ = max(·, 0) as published),
/// map = ReLU(Σ_k w_k·A_k). Extras also hold the layer's "activations" and "gradients".
/// </summary>
public sealed class GradCamPlusPlus : CamMethod
{
    public GradCamPlusPlus(Network network, GradCamPlusPlusOptions? options = null)
        : base(network, options ??= new GradCamPlusPlusOptions()) => Options = options;

    public GradCamPlusPlusOptions Options { get; }

    protected override bool ExplainsOpaqueModules => true;

    public override string Name => "gradcam-plus-plus";

    protected override AttributionMap Compute(Tensor input, Target target, CancellationToken cancellation)
    {
        using var tape = Network.RecordFrom(input, Layer.Output); // the layers below the CAM layer need no trace
        var (targets, scores, activations, gradients) = LayerGradients(tape, target, cancellation);
        Tensor weights;
        using (var scope = NewDisposeScope())
        {
            Tensor g2 = gradients.Squared();
            Tensor g3 = g2 * gradients;
            Tensor activationSums = activations.sum([2, 3], keepdim: true);
            // ((2g² + S·g³) + ε), in the peer's order so float32 results agree.
            Tensor denominator = g2.Times(2L).Plus(activationSums * g3).Plus(Options.Stabilizer);
            Tensor alpha = ConditionalFill.Where(gradients.NotEqualTo(0), g2 / denominator, 0.0);
            weights = (alpha * Options.Gradients.Apply(gradients)).sum([2, 3]).MoveToOuterDisposeScope();
        }
        Tensor cam = WeightedSum(weights, activations, Options.Relu);
        return CamResult(input, cam, weights, targets, scores, Options.Upsampling,
            new Dictionary<string, Tensor> { ["activations"] = activations, ["gradients"] = gradients });
    }
}
