using Microsoft.ML.Attribution.Tensors;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Microsoft.ML.Attribution.Graph.Layers;

/// <summary>
/// 2-D average pooling with ONNX's count_include_pad (default false, unlike PyTorch). Asymmetric or oversized pads
/// divide window sums by the count of cells that count, computed by pooling a mask.
/// </summary>
public sealed class AvgPool2d : Layer
{
    public AvgPool2d(string name, string input, string output, long[] kernel, long[] stride, long[] padding, bool ceilMode, bool countIncludePad)
        : base(name, [input], output)
    {
        Kernel = kernel;
        Stride = stride;
        Padding = padding;
        CeilMode = ceilMode;
        CountIncludePad = countIncludePad;
    }

    public long[] Kernel { get; }

    public long[] Stride { get; }

    /// <summary>(top, left, bottom, right).</summary>
    public long[] Padding { get; }

    public bool CeilMode { get; }

    public bool CountIncludePad { get; }

    private bool NativePadding =>
        Padding[0] == Padding[2] && Padding[1] == Padding[3] && Padding[0] * 2 <= Kernel[0] && Padding[1] * 2 <= Kernel[1];

    /// <summary>A 1×1 window at stride 1 without padding (how exporters write a 7×7 adaptive pool of a 7×7 map): the identity.</summary>
    public bool IsIdentity => Kernel.All(k => k == 1) && Stride.All(s => s == 1) && Padding.All(p => p == 0);

    public override Tensor Forward(IReadOnlyList<Tensor> inputs, LayerTrace? trace)
    {
        Tensor x = inputs[0];
        if (IsIdentity) return x.clone(); // libtorch's pooling kernels take ~10 ms for VGG16's 2×512×7×7
        if (NativePadding) return F.avg_pool2d(x, Kernel, Stride, [Padding[0], Padding[1]], CeilMode, CountIncludePad);
        using var scope = NewDisposeScope();
        long[] pad = [Padding[1], Padding[3], Padding[0], Padding[2]];
        Tensor sums = F.avg_pool2d(F.pad(x, pad), Kernel, Stride, null, CeilMode, true, divisor_override: 1);
        Tensor mask = CountIncludePad
            ? ones([1, 1, x.shape[2] + Padding[0] + Padding[2], x.shape[3] + Padding[1] + Padding[3]], x.dtype)
            : F.pad(ones([1, 1, x.shape[2], x.shape[3]], x.dtype), pad);
        Tensor counts = F.avg_pool2d(mask, Kernel, Stride, null, CeilMode, true, divisor_override: 1);
        return (sums / counts).MoveToOuterDisposeScope();
    }


    public override Tensor[] Backward(LayerTrace trace, Tensor gradOutput) =>
        IsIdentity ? [gradOutput.alias()] :
        NativePadding
            ? [F.avg_pool2d_backward(gradOutput, trace.Input, Kernel, Stride, [Padding[0], Padding[1]], CeilMode, CountIncludePad)]
            : base.Backward(trace, gradOutput);

    /// <summary>The layer is linear: its tangent is its forward.</summary>
    public override Tensor? ForwardTangent(LayerTrace trace, IReadOnlyList<Tensor?> tangents) => Forward([tangents[0]!], null);

    public override Layer CloneWith(Func<Tensor, Tensor> map) =>
        WithShapesOf(new AvgPool2d(Name, Inputs[0], Output, Kernel, Stride, Padding, CeilMode, CountIncludePad));
}
