using Microsoft.ML.Attribution.Tensors;
using static TorchSharp.torch;

namespace Microsoft.ML.Attribution.Graph.Layers;

/// <summary>numpy-style matmul of two values (a constant right operand is imported as <see cref="Linear"/> instead).</summary>
public sealed class MatMul : Layer
{
    public MatMul(string name, string left, string right, string output) : base(name, [left, right], output) { }

    public override Tensor Forward(IReadOnlyList<Tensor> inputs, LayerTrace? trace) => CheckedMatMul.Of(inputs[0], inputs[1]);

    public override Layer CloneWith(Func<Tensor, Tensor> map) => WithShapesOf(new MatMul(Name, Inputs[0], Inputs[1], Output));
}
