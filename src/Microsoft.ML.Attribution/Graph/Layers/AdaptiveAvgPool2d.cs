using Microsoft.ML.Attribution.Tensors;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Microsoft.ML.Attribution.Graph.Layers;

/// <summary>Adaptive average pooling to a fixed output size; ONNX GlobalAveragePool is the 1×1 case.</summary>
public sealed class AdaptiveAvgPool2d : Layer
{
    public AdaptiveAvgPool2d(string name, string input, string output, long[] outputSize) : base(name, [input], output) => OutputSize = outputSize;

    public long[] OutputSize { get; }

    public bool IsGlobal => OutputSize[0] == 1 && OutputSize[1] == 1;

    public override Tensor Forward(IReadOnlyList<Tensor> inputs, LayerTrace? trace)
    {
        if (inputs[0].Dimensions != 4) throw new ArgumentException($"{Kind} '{Name}' needs a 4-D [N,C,H,W] input, got {inputs[0].Describe()}.");
        return F.adaptive_avg_pool2d(inputs[0], OutputSize);
    }


    public override Tensor[] Backward(LayerTrace trace, Tensor gradOutput) => [LayerGradients.AdaptiveAvgPool2dInput(gradOutput, trace.Input.shape)];

    /// <summary>The layer is linear: its tangent is its forward.</summary>
    public override Tensor? ForwardTangent(LayerTrace trace, IReadOnlyList<Tensor?> tangents) => Forward([tangents[0]!], null);

    public override Layer CloneWith(Func<Tensor, Tensor> map) => WithShapesOf(new AdaptiveAvgPool2d(Name, Inputs[0], Output, OutputSize));
}
