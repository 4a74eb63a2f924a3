using Microsoft.ML.Attribution.Tensors;
using static TorchSharp.torch;

namespace Microsoft.ML.Attribution.Graph.Layers;

/// <summary>Permutes dimensions (the batch dimension stays first).</summary>
public sealed class Transpose : Layer
{
    public Transpose(string name, string input, string output, long[] permutation) : base(name, [input], output) => Permutation = permutation;

    public long[] Permutation { get; }

    public override Tensor Forward(IReadOnlyList<Tensor> inputs, LayerTrace? trace) => inputs[0].permute(Permutation).contiguous();

    public override Tensor[] Backward(LayerTrace trace, Tensor gradOutput)
    {
        var inverse = new long[Permutation.Length];
        for (int i = 0; i < Permutation.Length; i++) inverse[Permutation[i]] = i;
        using Tensor view = gradOutput.permute(inverse);
        return [view.contiguous()];
    }

    /// <summary>The layer is linear: its tangent is its forward.</summary>
    public override Tensor? ForwardTangent(LayerTrace trace, IReadOnlyList<Tensor?> tangents) => Forward([tangents[0]!], null);

    public override Layer CloneWith(Func<Tensor, Tensor> map) => WithShapesOf(new Transpose(Name, Inputs[0], Output, Permutation));
}
