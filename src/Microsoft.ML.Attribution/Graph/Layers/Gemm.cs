using Microsoft.ML.Attribution.Tensors;
using static TorchSharp.torch;

namespace Microsoft.ML.Attribution.Graph.Layers;

/// <summary>
/// General ONNX Gemm, Y = α·A'·B' + β·C, for the cases that are not a plain <see cref="Linear"/>
/// (B computed, or A transposed). Inputs are A, B and optionally C; any may be a constant.
/// </summary>
public sealed class Gemm : Layer
{
    public Gemm(string name, IReadOnlyList<string> inputs, string output, double alpha, double beta, bool transA, bool transB)
        : base(name, inputs, output)
    {
        Alpha = alpha;
        Beta = beta;
        TransA = transA;
        TransB = transB;
    }

    public double Alpha { get; }

    public double Beta { get; }

    public bool TransA { get; }

    public bool TransB { get; }

    public override Tensor Forward(IReadOnlyList<Tensor> inputs, LayerTrace? trace)
    {
        using var scope = NewDisposeScope();
        Tensor a = TransA ? inputs[0].t() : inputs[0];
        Tensor b = TransB ? inputs[1].t() : inputs[1];
        Tensor y = a.mm(b).Times(Alpha);
        if (inputs.Count > 2) y = y.Plus(inputs[2].Times(Beta));
        return y.MoveToOuterDisposeScope();
    }

    public override Layer CloneWith(Func<Tensor, Tensor> map) => WithShapesOf(new Gemm(Name, Inputs, Output, Alpha, Beta, TransA, TransB));
}
