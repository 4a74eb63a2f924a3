using Microsoft.ML.Attribution.Tensors;
using static TorchSharp.torch;

namespace Microsoft.ML.Attribution.Graph.Layers;

/// <summary>Concatenation along <see cref="Axis"/> (DenseNet, GoogLeNet); the backward splits the gradient back.</summary>
public sealed class Concat : Layer
{
    public Concat(string name, IReadOnlyList<string> inputs, string output, long axis) : base(name, inputs, output) => Axis = axis;

    public long Axis { get; }

    public override Tensor Forward(IReadOnlyList<Tensor> inputs, LayerTrace? trace) => cat(inputs.ToArray(), Axis);

    public override Tensor? ForwardTangent(LayerTrace trace, IReadOnlyList<Tensor?> tangents)
    {
        using var scope = NewDisposeScope();
        return cat(tangents.Select((t, i) => t ?? zeros_like(trace.Inputs[i])).ToArray(), Axis).MoveToOuterDisposeScope();
    }

    public override Tensor[] Backward(LayerTrace trace, Tensor gradOutput)
    {
        var result = new Tensor[trace.Inputs.Count];
        long offset = 0;
        long axis = Axis < 0 ? Axis + gradOutput.Dimensions : Axis;
        for (int i = 0; i < result.Length; i++)
        {
            long size = trace.Inputs[i].shape[axis];
            result[i] = gradOutput.narrow(axis, offset, size);
            offset += size;
        }
        return result;
    }

    public override Layer CloneWith(Func<Tensor, Tensor> map) => WithShapesOf(new Concat(Name, Inputs, Output, Axis));
}
