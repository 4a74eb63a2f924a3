using Microsoft.ML.Attribution.Tensors;
using static TorchSharp.torch;

namespace Microsoft.ML.Attribution.Graph.Layers;

/// <summary>
/// Softmax or LogSoftmax along <see cref="Axis"/>. With <see cref="CoerceTo2d"/> (ONNX opset ≤ 12) the input is
/// flattened to [∏d[:axis], ∏d[axis:]] first, as that opset defines.
/// </summary>
public sealed class Softmax : Layer
{
    public Softmax(string name, string input, string output, long axis, bool log, bool coerceTo2d) : base(name, [input], output)
    {
        Axis = axis;
        Log = log;
        CoerceTo2d = coerceTo2d;
    }

    public long Axis { get; }

    public bool Log { get; }

    public bool CoerceTo2d { get; }

    public override string Kind => Log ? "LogSoftmax" : "Softmax";

    public override Tensor Forward(IReadOnlyList<Tensor> inputs, LayerTrace? trace)
    {
        Tensor x = inputs[0];
        long axis = Axis < 0 ? Axis + x.Dimensions : Axis;
        if (!CoerceTo2d || axis == x.Dimensions - 1) return Log ? x.log_softmax(axis) : x.softmax(axis);
        long outer = x.shape.Take((int)axis).Aggregate(1L, (a, b) => a * b);
        using Tensor flat = x.reshape(outer, -1);
        using Tensor y = Log ? flat.log_softmax(1) : flat.softmax(1);
        return y.reshape(x.shape);
    }

    public override Layer CloneWith(Func<Tensor, Tensor> map) => WithShapesOf(new Softmax(Name, Inputs[0], Output, Axis, Log, CoerceTo2d));
}
