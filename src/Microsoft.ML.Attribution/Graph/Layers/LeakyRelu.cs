using Microsoft.ML.Attribution.Tensors;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Microsoft.ML.Attribution.Graph.Layers;

/// <summary>x for x &gt; 0, slope·x otherwise.</summary>
public sealed class LeakyRelu : Layer
{
    public LeakyRelu(string name, string input, string output, double slope) : base(name, [input], output) => Slope = slope;

    public double Slope { get; }

    public override Tensor Forward(IReadOnlyList<Tensor> inputs, LayerTrace? trace) => inputs[0].LeakyRelu(Slope);

    public override Tensor[] Backward(LayerTrace trace, Tensor gradOutput)
    {
        using Tensor positive = trace.Input.GreaterThan(0);
        using Tensor scaled = gradOutput.Times(Slope);
        return [where(positive, gradOutput, scaled)];
    }

    /// <summary>A diagonal Jacobian is its own transpose: the tangent is scaled as the gradient is.</summary>
    public override Tensor? ForwardTangent(LayerTrace trace, IReadOnlyList<Tensor?> tangents) => Backward(trace, tangents[0]!)[0];

    public override Layer CloneWith(Func<Tensor, Tensor> map) => WithShapesOf(new LeakyRelu(Name, Inputs[0], Output, Slope));
}
