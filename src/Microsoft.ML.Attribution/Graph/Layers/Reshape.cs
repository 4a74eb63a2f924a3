using Microsoft.ML.Attribution.Tensors;
using static TorchSharp.torch;

namespace Microsoft.ML.Attribution.Graph.Layers;

/// <summary>
/// Reshapes each sample to <see cref="TargetShape"/> (batch kept; one −1 allowed). ONNX Flatten, Reshape,
/// Squeeze and Unsqueeze of computed values all become this layer.
/// </summary>
public sealed class Reshape : Layer
{
    public Reshape(string name, string input, string output, long[] targetShape, string sourceOp = "Reshape", bool keepsBatch = true)
        : base(name, [input], output)
    {
        TargetShape = targetShape;
        SourceOp = sourceOp;
        KeepsBatch = keepsBatch;
    }

    /// <summary>Per-sample target shape (the full target shape when <see cref="KeepsBatch"/> is false).</summary>
    public long[] TargetShape { get; }

    /// <summary>False for reshapes that fold the batch into other dims (only in general, non-image graphs).</summary>
    public bool KeepsBatch { get; }

    /// <summary>The ONNX op this came from (Flatten, Reshape, Squeeze, Unsqueeze), for display.</summary>
    public string SourceOp { get; }

    public override string Kind => SourceOp == "Flatten" ? "Flatten" : "Reshape";

    public override Tensor Forward(IReadOnlyList<Tensor> inputs, LayerTrace? trace) =>
        KeepsBatch ? inputs[0].reshape([inputs[0].shape[0], .. TargetShape]) : inputs[0].reshape(TargetShape);

    public override Tensor[] Backward(LayerTrace trace, Tensor gradOutput) => [gradOutput.reshape(trace.Input.shape)];

    /// <summary>The layer is linear: its tangent is its forward.</summary>
    public override Tensor? ForwardTangent(LayerTrace trace, IReadOnlyList<Tensor?> tangents) => Forward([tangents[0]!], null);

    public override Layer CloneWith(Func<Tensor, Tensor> map) => WithShapesOf(new Reshape(Name, Inputs[0], Output, TargetShape, SourceOp, KeepsBatch));
}
