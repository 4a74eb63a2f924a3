using Microsoft.ML.Attribution.Tensors;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Microsoft.ML.Attribution.Graph.Layers;

/// <summary>max(0, x). Its backward gate [output &gt; 0] is what guided/deconv/LRP rules modify.</summary>
public sealed class Relu : Layer
{
    public Relu(string name, string input, string output) : base(name, [input], output) { }

    public override Tensor Forward(IReadOnlyList<Tensor> inputs, LayerTrace? trace) => inputs[0].relu();

    public override Tensor[] Backward(LayerTrace trace, Tensor gradOutput) => [LayerGradients.ReluGate(gradOutput, trace.Output)];

    /// <summary>A diagonal Jacobian is its own transpose: the tangent is gated as the gradient is.</summary>
    public override Tensor? ForwardTangent(LayerTrace trace, IReadOnlyList<Tensor?> tangents) => Backward(trace, tangents[0]!)[0];

    public override Layer CloneWith(Func<Tensor, Tensor> map) => WithShapesOf(new Relu(Name, Inputs[0], Output));
}
