using Microsoft.ML.Attribution.Tensors;
using static TorchSharp.torch;

namespace Microsoft.ML.Attribution.Graph.Layers;

/// <summary>1 / (1 + e^−x).</summary>
public sealed class Sigmoid : Layer
{
    public Sigmoid(string name, string input, string output) : base(name, [input], output) { }

    public override Tensor Forward(IReadOnlyList<Tensor> inputs, LayerTrace? trace) => inputs[0].sigmoid();

    public override Tensor[] Backward(LayerTrace trace, Tensor gradOutput)
    {
        using Tensor complement = trace.Output.SubtractedFrom(1.0);
        using Tensor local = trace.Output * complement;
        return [gradOutput * local];
    }

    /// <summary>A diagonal Jacobian is its own transpose: the tangent is scaled as the gradient is.</summary>
    public override Tensor? ForwardTangent(LayerTrace trace, IReadOnlyList<Tensor?> tangents) => Backward(trace, tangents[0]!)[0];

    public override Layer CloneWith(Func<Tensor, Tensor> map) => WithShapesOf(new Sigmoid(Name, Inputs[0], Output));
}
