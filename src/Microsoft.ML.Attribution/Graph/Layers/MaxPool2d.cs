using Microsoft.ML.Attribution.Tensors;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Microsoft.ML.Attribution.Graph.Layers;

/// <summary>
/// 2-D max pooling; a recorded forward keeps each window's argmax so the backward routes to the winner
/// (summing where windows overlap). Pads larger than libtorch allows, or asymmetric, are applied explicitly with −∞.
/// </summary>
public sealed class MaxPool2d : Layer
{
    public MaxPool2d(string name, string input, string output, long[] kernel, long[] stride, long[] padding, long[] dilation, bool ceilMode)
        : base(name, [input], output)
    {
        Kernel = kernel;
        Stride = stride;
        Padding = padding;
        Dilation = dilation;
        CeilMode = ceilMode;
    }

    public long[] Kernel { get; }

    public long[] Stride { get; }

    /// <summary>(top, left, bottom, right).</summary>
    public long[] Padding { get; }

    public long[] Dilation { get; }

    public bool CeilMode { get; }

    /// <summary>libtorch pads symmetrically and by at most half the (dilated) kernel; anything else is padded explicitly.</summary>
    private bool NativePadding =>
        Padding[0] == Padding[2] && Padding[1] == Padding[3] &&
        Padding[0] * 2 <= (Kernel[0] - 1) * Dilation[0] + 1 && Padding[1] * 2 <= (Kernel[1] - 1) * Dilation[1] + 1;

    public override Tensor Forward(IReadOnlyList<Tensor> inputs, LayerTrace? trace)
    {
        Tensor x = inputs[0];
        if (!NativePadding)
        {
            using Tensor padded = F.pad(x, [Padding[1], Padding[3], Padding[0], Padding[2]], value: double.NegativeInfinity);
            return F.max_pool2d(padded, Kernel, Stride, null, Dilation, CeilMode);
        }
        long[] pad = [Padding[0], Padding[1]];
        if (trace is null) return F.max_pool2d(x, Kernel, Stride, pad, Dilation, CeilMode);
        var (output, indices) = F.max_pool2d_with_indices(x, Kernel, Stride, pad, Dilation, CeilMode);
        trace.Indices = indices;
        return output;
    }


    public override Tensor[] Backward(LayerTrace trace, Tensor gradOutput) =>
        trace.Indices is { } indices
            ? [LayerGradients.MaxPool2dInput(gradOutput, trace.Input.shape, indices)]
            : base.Backward(trace, gradOutput);

    /// <summary>Gathers the tangent at the recorded winners (the adjoint of the scatter).</summary>
    public override Tensor? ForwardTangent(LayerTrace trace, IReadOnlyList<Tensor?> tangents)
    {
        if (trace.Indices is not { } indices) return null;
        using Tensor flat = tangents[0]!.flatten(2);
        using Tensor winners = indices.flatten(2);
        using Tensor gathered = flat.gather(2, winners);
        return gathered.reshape(trace.Output.shape);
    }

    /// <summary>Scatters <paramref name="gradOutput"/> to the recorded winners (the backward of every max-pool rule).</summary>
    public Tensor RouteToWinners(LayerTrace trace, Tensor gradOutput) => Backward(trace, gradOutput)[0];

    public override Layer CloneWith(Func<Tensor, Tensor> map) =>
        WithShapesOf(new MaxPool2d(Name, Inputs[0], Output, Kernel, Stride, Padding, Dilation, CeilMode));
}
