using Microsoft.ML.Attribution.Graph.Layers;
using Microsoft.ML.Attribution.Torch;
using static Microsoft.ML.Attribution.Torch.torch;

namespace Microsoft.ML.Attribution.Graph;

/// <summary>
/// Which layers of an unrecorded float32 CPU forward run on activations in oneDNN's nChw16c layout (held as dense
/// [N, C/16, H, W, 16] tensors, see <see cref="Dnnl"/>), and how. Convolutions go through oneDNN with packed weights
/// (Winograd where it applies), pools through oneDNN's pooling, and element-wise layers, batch norms, residual joins and
/// channel concatenations through the same libtorch ops as in the dense layout. Every other layer gets dense inputs.
/// </summary>
internal static class BlockedForward
{
    /// <summary>How a layer takes its inputs.</summary>
    public enum Plan
    {
        /// <summary>Dense inputs (blocked ones are converted), the layer's own forward.</summary>
        Dense,

        /// <summary>The inputs as they are, through <see cref="Forward"/>.</summary>
        AsTheyAre,

        /// <summary>The dense inputs converted to the blocked layout first (a convolution starting a blocked chain).</summary>
        ConvertToBlocked,
    }

    public static Plan PlanFor(Layer layer, IReadOnlyList<Tensor> args, IReadOnlyList<bool> blocked)
    {
        bool all = blocked.All(b => b), any = blocked.Any(b => b);
        switch (layer)
        {
            case Conv2d conv:
                // oneDNN's kernels are outside autograd: a weight being trained runs through libtorch.
                if (is_grad_enabled() && conv.Weight.requires_grad) return Plan.Dense;
                if (any) return Plan.AsTheyAre;
                if (args[0].Dimensions != 4 || args[0].dtype != ScalarType.Float32 || conv.Weight.device.type != DeviceType.CPU) return Plan.Dense;
                // Blocked input channels feed the fast kernels; a 3-channel image goes in as it is.
                return args[0].shape[1] % Dnnl.Block == 0 && conv.Weight.shape[0] % Dnnl.Block == 0 ? Plan.ConvertToBlocked : Plan.AsTheyAre;
            case Relu or Clip or LeakyRelu or Sigmoid or BatchNorm:
                return all ? Plan.AsTheyAre : Plan.Dense;
            case Arithmetic a:
                return all && a.Op is ArithmeticOp.Add or ArithmeticOp.Mul or ArithmeticOp.Sub && args[0].shape.SequenceEqual(args[1].shape)
                    ? Plan.AsTheyAre : Plan.Dense;
            case Concat c:
                return all && c.Axis == 1 ? Plan.AsTheyAre : Plan.Dense;
            case MaxPool2d p:
                return all && p.Dilation.All(d => d == 1) && PoolPadding(p.Kernel, p.Stride, p.Padding, p.CeilMode, args[0], out _, out _) is not null
                    ? Plan.AsTheyAre : Plan.Dense;
            case AvgPool2d p:
                return all && AvgPoolFits(p, args[0]) ? Plan.AsTheyAre : Plan.Dense;
            case AdaptiveAvgPool2d p:
                return all && args[0].shape[2] % p.OutputSize[0] == 0 && args[0].shape[3] % p.OutputSize[1] == 0 ? Plan.AsTheyAre : Plan.Dense;
            default:
                return Plan.Dense;
        }
    }

    /// <summary>
    /// Runs a layer planned <see cref="Plan.AsTheyAre"/>: the output and whether it is blocked, or null when oneDNN has
    /// no kernel for the case after all (the caller then runs the layer dense).
    /// </summary>
    public static (Tensor output, bool blocked)? Forward(Layer layer, IReadOnlyList<Tensor> args, IReadOnlyList<bool> blocked, bool winograd,
        ConvolutionEpilogue epilogue = ConvolutionEpilogue.None, Tensor? accumulate = null)
    {
        Tensor x = args[0];
        switch (layer)
        {
            case Conv2d conv:
                return conv.ForwardOneDnn(x, blocked[0], winograd, epilogue, accumulate);
            case BatchNorm bn:
                return (bn.ForwardPerChannel(x, [1, x.shape[1], 1, 1, Dnnl.Block]), true);
            case MaxPool2d p:
            {
                long[] padding = PoolPadding(p.Kernel, p.Stride, p.Padding, p.CeilMode, x, out long oh, out long ow)!;
                return Blocked(Dnnl.Pool(x, Dnnl.PoolKind.Max, p.Kernel, p.Stride, padding, oh, ow));
            }
            case AvgPool2d p:
            {
                if (p.IsIdentity) return (x.clone(), true);
                long[] padding = PoolPadding(p.Kernel, p.Stride, p.Padding, p.CeilMode, x, out long oh, out long ow)!;
                var kind = p.CountIncludePad ? Dnnl.PoolKind.AverageCountingPadding : Dnnl.PoolKind.AverageInside;
                return Blocked(Dnnl.Pool(x, kind, p.Kernel, p.Stride, padding, oh, ow));
            }
            case AdaptiveAvgPool2d p:
            {
                long[] window = [x.shape[2] / p.OutputSize[0], x.shape[3] / p.OutputSize[1]];
                return Blocked(Dnnl.Pool(x, Dnnl.PoolKind.AverageInside, window, window, [0, 0, 0, 0], p.OutputSize[0], p.OutputSize[1]));
            }
            default:
                // Element-wise layers, residual joins of equal shapes and concatenations along the channel blocks are
                // the same ops on the blocked tensors.
                return (layer.Forward(args, null), true);
        }
    }

    private static (Tensor output, bool blocked)? Blocked(Tensor? output) => output is null ? null : (output, true);

    /// <summary>
    /// The padding oneDNN needs to give the pool's output size — (top, left, bottom, right), the bottom/right grown by
    /// a ceil-mode overhang — or null when the window would start past the input (libtorch's rule drops it).
    /// </summary>
    private static long[]? PoolPadding(long[] kernel, long[] stride, long[] padding, bool ceilMode, Tensor x, out long outH, out long outW)
    {
        long[] result = [padding[0], padding[1], padding[2], padding[3]];
        long[] size = [x.shape[2], x.shape[3]];
        long[] outSize = new long[2];
        for (int d = 0; d < 2; d++)
        {
            long span = size[d] + padding[d] + padding[d + 2] - kernel[d];
            if (span < 0) { outH = outW = 0; return null; }
            long n = (ceilMode ? (span + stride[d] - 1) / stride[d] : span / stride[d]) + 1;
            // libtorch: the last window must start inside the input or the left padding.
            if (ceilMode && (n - 1) * stride[d] >= size[d] + padding[d]) n--;
            outSize[d] = n;
            result[d + 2] = (n - 1) * stride[d] + kernel[d] - size[d] - padding[d];
            if (result[d + 2] < 0) result[d + 2] = padding[d + 2]; // floor mode leaves part of the padding unused
        }
        outH = outSize[0];
        outW = outSize[1];
        return result;
    }

    /// <summary>
    /// oneDNN's counting-padding average divides by the whole window; ONNX/libtorch do not count a ceil-mode overhang
    /// past the declared padding, so that case runs dense.
    /// </summary>
    private static bool AvgPoolFits(AvgPool2d p, Tensor x)
    {
        if (p.IsIdentity) return true;
        if (PoolPadding(p.Kernel, p.Stride, p.Padding, p.CeilMode, x, out _, out _) is not { } padding) return false;
        return !p.CountIncludePad || (padding[2] <= p.Padding[2] && padding[3] <= p.Padding[3]);
    }
}
