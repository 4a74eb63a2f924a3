using TorchSharp;
using Microsoft.ML.Attribution.Tensors;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Microsoft.ML.Attribution.Graph.Layers;

/// <summary>
/// Explicit padding. <see cref="Pads"/> is in libtorch order: (begin, end) pairs from the last dimension backwards.
/// Negative values crop. The backward of constant padding is the opposite crop/pad.
/// </summary>
public sealed class Pad : Layer
{
    public Pad(string name, string input, string output, long[] pads, PaddingModes mode, double value) : base(name, [input], output)
    {
        Pads = pads;
        Mode = mode;
        Value = value;
    }

    public long[] Pads { get; }

    public PaddingModes Mode { get; }

    public double Value { get; }

    public override Tensor Forward(IReadOnlyList<Tensor> inputs, LayerTrace? trace)
    {
        Tensor x = inputs[0];
        if (Mode == PaddingModes.Constant || x.dtype is ScalarType.Float32 or ScalarType.Float64) return F.pad(x, Pads, Mode, Value);
        // libtorch's reflect/replicate kernels are float-only; integers round-trip exactly through float64.
        using Tensor wide = x.to(ScalarType.Float64);
        using Tensor padded = F.pad(wide, Pads, Mode, Value);
        return padded.to(x.dtype);
    }

    public override Tensor[] Backward(LayerTrace trace, Tensor gradOutput) =>
        Mode == PaddingModes.Constant ? [F.pad(gradOutput, Pads.Select(p => -p).ToArray())] : base.Backward(trace, gradOutput);

    /// <summary>Padding is affine in its input: the tangent is padded the same way with zeros as the constant.</summary>
    public override Tensor? ForwardTangent(LayerTrace trace, IReadOnlyList<Tensor?> tangents) => F.pad(tangents[0]!, Pads, Mode, 0.0);

    public override Layer CloneWith(Func<Tensor, Tensor> map) => WithShapesOf(new Pad(Name, Inputs[0], Output, Pads, Mode, Value));
}
