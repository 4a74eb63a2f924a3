using Microsoft.ML.Attribution.Tensors;
using static TorchSharp.torch;

namespace Microsoft.ML.Attribution.Graph.Layers;

/// <summary>
/// a ∘ b element-wise with numpy broadcasting. Either operand may be a network constant (x − mean, x·scale);
/// an Add of two computed values is a residual join, which LRP rules split proportionally.
/// </summary>
public sealed class Arithmetic : Layer
{
    public Arithmetic(string name, string left, string right, string output, ArithmeticOp op) : base(name, [left, right], output) => Op = op;

    public ArithmeticOp Op { get; }

    public override string Kind => Op.ToString();

    public override Tensor Forward(IReadOnlyList<Tensor> inputs, LayerTrace? trace) => Op switch
    {
        ArithmeticOp.Add => inputs[0].Plus(inputs[1]),
        ArithmeticOp.Sub => inputs[0] - inputs[1],
        ArithmeticOp.Mul => inputs[0] * inputs[1],
        _ => inputs[0] / inputs[1],
    };


    public override Tensor[] Backward(LayerTrace trace, Tensor gradOutput)
    {
        using var scope = NewDisposeScope();
        Tensor a = trace.Inputs[0], b = trace.Inputs[1];
        (Tensor ga, Tensor gb) = Op switch
        {
            ArithmeticOp.Add => (gradOutput, gradOutput),
            ArithmeticOp.Sub => (gradOutput, -gradOutput),
            ArithmeticOp.Mul => (gradOutput * b, gradOutput * a),
            _ => (gradOutput / b, -gradOutput * a / (b * b)),
        };
        return [Unbroadcast(ga, a.shape).MoveToOuterDisposeScope(), Unbroadcast(gb, b.shape).MoveToOuterDisposeScope()];
    }

    public override Tensor? ForwardTangent(LayerTrace trace, IReadOnlyList<Tensor?> tangents)
    {
        using var scope = NewDisposeScope();
        Tensor a = trace.Inputs[0], b = trace.Inputs[1];
        Tensor? ta = tangents[0], tb = tangents[1];
        Tensor? left = ta is null ? null : Op switch { ArithmeticOp.Mul => ta * b, ArithmeticOp.Div => ta / b, _ => ta };
        Tensor? right = tb is null ? null : Op switch
        {
            ArithmeticOp.Add => tb,
            ArithmeticOp.Sub => -tb,
            ArithmeticOp.Mul => tb * a,
            _ => -tb * a / (b * b),
        };
        Tensor sum = left is null ? right! : right is null ? left : left.Plus(right);
        return sum.expand(trace.Output.shape).contiguous().MoveToOuterDisposeScope();
    }

    public override Layer CloneWith(Func<Tensor, Tensor> map) => WithShapesOf(new Arithmetic(Name, Inputs[0], Inputs[1], Output, Op));
}
