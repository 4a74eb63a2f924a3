using static Microsoft.ML.Attribution.Torch.torch;

namespace Microsoft.ML.Attribution.Graph.Layers;

/// <summary>max(0, x). Its backward gate [output &gt; 0] is what guided/deconv/LRP rules modify.</summary>
public sealed class Relu : Layer
{
    public Relu(string name, string input, string output) : base(name, [input], output) { }

    public override Tensor Forward(IReadOnlyList<Tensor> inputs, LayerTrace? trace) => inputs[0].relu();

    public override Tensor[] Backward(LayerTrace trace, Tensor gradOutput)
    {
        using Tensor gate = trace.Output.gt(0);
        return [where(gate, gradOutput, 0.0)];
    }

    public override Tensor? ForwardTangent(LayerTrace trace, IReadOnlyList<Tensor?> tangents)
    {
        using Tensor gate = trace.Output.gt(0);
        return where(gate, tangents[0]!, 0.0);
    }

    public override Layer CloneWith(Func<Tensor, Tensor> map) => WithShapesOf(new Relu(Name, Inputs[0], Output));
}
