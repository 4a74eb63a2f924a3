using static Microsoft.ML.Attribution.Torch.torch;
using F = Microsoft.ML.Attribution.Torch.torch.nn.functional;

namespace Microsoft.ML.Attribution.Graph.Layers;

/// <summary>y = x·Wᵀ + b over the last dimension (ONNX Gemm with a constant B, or MatMul with a constant).</summary>
public sealed class Linear : Layer, ILinearLayer
{
    public Linear(string name, string input, string output, Tensor weight, Tensor? bias) : base(name, [input], output)
    {
        if (weight.Dimensions != 2) throw new ArgumentException($"Linear '{name}': weight must be 2-D [out, in], got {weight}.");
        Weight = weight;
        Bias = bias;
    }

    /// <summary>[out, in].</summary>
    public Tensor Weight { get; private set; }

    public Tensor? Bias { get; private set; }

    public override IEnumerable<(string name, Tensor value)> Parameters =>
        Bias is null ? [("weight", Weight)] : [("weight", Weight), ("bias", Bias)];

    public override Tensor Forward(IReadOnlyList<Tensor> inputs, LayerTrace? trace) => ForwardWith(inputs[0], Weight, Bias);

    public Tensor ForwardWith(Tensor input, Tensor weight, Tensor? bias) => F.linear(input, weight, bias);

    /// <summary>The transpose of x ↦ x·Wᵀ: g ↦ g·W (the input only fixes the shape, which the product already has).</summary>
    public Tensor TransposeWith(Tensor gradOutput, Tensor input, Tensor weight) => gradOutput.matmul(weight);

    public override Tensor[] Backward(LayerTrace trace, Tensor gradOutput) => [TransposeWith(gradOutput, trace.Input, Weight)];

    public override Tensor? ForwardTangent(LayerTrace trace, IReadOnlyList<Tensor?> tangents) => ForwardWith(tangents[0]!, Weight, null);

    public override Layer CloneWith(Func<Tensor, Tensor> map) =>
        WithShapesOf(new Linear(Name, Inputs[0], Output, map(Weight), Bias is null ? null : map(Bias)));

    internal void SetParameters(Tensor weight, Tensor? bias)
    {
        Weight.Dispose();
        Bias?.Dispose();
        Weight = weight;
        Bias = bias;
    }
}
