using TorchSharp;
using Microsoft.ML.Attribution.Tensors;
using static TorchSharp.torch;

namespace Microsoft.ML.Attribution.Graph.Layers;

/// <summary>clamp(x, min, max); ReLU6 is Clip(0, 6).</summary>
public sealed class Clip : Layer
{
    public Clip(string name, string input, string output, double? min, double? max) : base(name, [input], output)
    {
        Min = min;
        Max = max;
    }

    public double? Min { get; }

    public double? Max { get; }

    public override Tensor Forward(IReadOnlyList<Tensor> inputs, LayerTrace? trace) =>
        (Min, Max) switch
        {
            (null, null) => inputs[0].alias(),
            ({ } lo, null) => inputs[0].AtLeast(lo),
            (null, { } hi) => inputs[0].AtMost(hi),
            ({ } lo, { } hi) => inputs[0].ClampedTo(lo, hi),
        };

    public override Tensor[] Backward(LayerTrace trace, Tensor gradOutput)
    {
        using var scope = NewDisposeScope();
        Tensor x = trace.Input;
        Tensor pass = Min is { } lo ? x.AtLeastMask(lo) : ones_like(x, ScalarType.Bool);
        if (Max is { } hi) pass = pass.logical_and(x.AtMostMask(hi));
        return [ConditionalFill.Where(pass, gradOutput, 0.0).MoveToOuterDisposeScope()];
    }

    /// <summary>The tangent passes where the backward passes the gradient (inside the bounds, inclusive).</summary>
    public override Tensor? ForwardTangent(LayerTrace trace, IReadOnlyList<Tensor?> tangents) => Backward(trace, tangents[0]!)[0];

    public override Layer CloneWith(Func<Tensor, Tensor> map) => WithShapesOf(new Clip(Name, Inputs[0], Output, Min, Max));
}
