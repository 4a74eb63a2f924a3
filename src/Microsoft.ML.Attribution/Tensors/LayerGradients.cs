using TorchSharp;
using Microsoft.ML.Attribution.Tensors;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Microsoft.ML.Attribution.Tensors;

/// <summary>
/// Vector-Jacobian products of layers that libtorch computes internally but TorchSharp does not expose
/// (conv2d_backward, max_pool2d_with_indices_backward, adaptive_avg_pool2d_backward, threshold_backward), written
/// with differentiable TorchSharp operations so the backward can itself be differentiated (DMBP's masks).
/// </summary>
public static class LayerGradients
{
    /// <summary>
    /// dL/dx of y = conv2d(x, weight) with 0/1/2-value symmetric padding. libtorch 2.10's oneDNN input-gradient kernels
    /// (conv_transpose2d, convolution_backward) return wrong values, varying from call to call, for float32 convolutions
    /// with few channels, and end the process with SIGFPE on some strided 1×1 shapes (ResNet50's [1024,512,1,1] stride 2),
    /// so they are never used. Exact formulations instead, each the fastest for its shape on this CPU:
    /// unstrided — a forward convolution (oneDNN's forward is right) of the padded gradient with the flipped kernels;
    /// 1×1 kernels without padding — the 1×1 forward convolution at the gradient's resolution, then spread by the stride;
    /// other strided kernels — by the stride's phases (<see cref="PolyphaseGradient"/>): one forward convolution per phase from
    /// 16 input channels, else one convolution with the phases stacked as channels;
    /// dilated strided kernels or unequal strides — libtorch's native transposed convolution with oneDNN switched off.
    /// <paramref name="kernels"/>, when given, is <see cref="InputGradientKernels"/> of <paramref name="weight"/> made in
    /// advance (a layer keeps them: making them copies the weight, on every call otherwise).
    /// </summary>
    public static Tensor Conv2dInput(Tensor gradOutput, long[] inputShape, Tensor weight, long[] stride, long[] padding, long[] dilation, long groups,
        Tensor? kernels = null)
    {
        long[] s = Pair(stride, 1), p = Pair(padding, 0), d = Pair(dilation, 1);
        long[] kernel = [weight.shape[2], weight.shape[3]];
        long[] gradShape = gradOutput.shape;
        if (gradOutput.Dimensions != 4 || inputShape.Length != 4 || weight.Dimensions != 4 || groups < 1 ||
            weight.shape[0] != gradShape[1] || weight.shape[0] % groups != 0 || weight.shape[1] * groups != inputShape[1])
            throw new ArgumentException(
                $"conv2d input gradient: a gradient {gradOutput.Describe()} and a weight {weight.Describe()} (groups {groups}) do not fit an input [{string.Join(",", inputShape)}].");
        var extra = new long[2];
        for (int axis = 0; axis < 2; axis++)
        {
            long reached = (gradShape[2 + axis] - 1) * s[axis] - 2 * p[axis] + d[axis] * (kernel[axis] - 1) + 1;
            extra[axis] = inputShape[2 + axis] - reached;
            if (extra[axis] < 0 || extra[axis] >= Math.Max(s[axis], d[axis]))
                throw new ArgumentException(
                    $"conv2d input gradient: a gradient {gradOutput.Describe()} cannot come from an input [{string.Join(",", inputShape)}] " +
                    $"with kernel {kernel[0]}x{kernel[1]}, stride {s[0]}x{s[1]}, padding {p[0]}x{p[1]}, dilation {d[0]}x{d[1]}.");
        }

        Path path = PathFor(s, kernel, p, d, inputShape[1]);
        if (path == Path.NativeTransposed)
        {
            using (Runtime.OneDnnSwitch.Disabled())
                return F.conv_transpose2d(gradOutput, weight, null, s, p, extra, groups: groups, dilation: d);
        }
        using DisposeScope scope = NewDisposeScope();
        Tensor made = kernels ?? InputGradientKernels(weight, s, p, d, groups)!;
        if (path == Path.PhaseSplit)
            return PolyphaseGradient.ApplySplit(gradOutput, made, inputShape, kernel, s[0], p, groups).MoveToOuterDisposeScope();
        long expectedRows = weight.shape[1] * groups * (path == Path.Polyphase ? s[0] * s[1] : 1);
        if (made.Dimensions != 4 || made.shape[0] != expectedRows || made.shape[1] != weight.shape[0] / groups)
            throw new ArgumentException($"conv2d input gradient: kernels {made.Describe()} were not made from a weight {weight.Describe()} (groups {groups}) for this stride.");
        Tensor result = path switch
        {
            Path.Polyphase => PolyphaseGradient.Apply(gradOutput, made, inputShape, kernel, s[0], p, groups),
            Path.PointwiseStrided => PointwiseStrided(gradOutput, made, s, extra, groups),
            _ => UnstridedAsForward(gradOutput, made, kernel, p, d, extra, groups),
        };
        return result.MoveToOuterDisposeScope();
    }

    private enum Path { Unstrided, PointwiseStrided, Polyphase, PhaseSplit, NativeTransposed }

    private static Path PathFor(long[] s, long[] kernel, long[] p, long[] d, long inputChannels) =>
        s[0] == 1 && s[1] == 1 ? Path.Unstrided
        : kernel[0] == 1 && kernel[1] == 1 && p[0] == 0 && p[1] == 0 ? Path.PointwiseStrided
        : PolyphaseGradient.AppliesTo(s, kernel, d) ? inputChannels >= PolyphaseGradient.SplitFromChannels ? Path.PhaseSplit : Path.Polyphase
        : Path.NativeTransposed;

    /// <summary>
    /// What <see cref="Conv2dInput"/> convolves the gradient with for this weight and geometry — the flipped kernels with their
    /// channel axes exchanged, or the stride's phase kernels — or null where it runs libtorch's transposed convolution.
    /// </summary>
    public static Tensor? InputGradientKernels(Tensor weight, long[] stride, long[] padding, long[] dilation, long groups)
    {
        long[] s = Pair(stride, 1), p = Pair(padding, 0), d = Pair(dilation, 1);
        return PathFor(s, [weight.shape[2], weight.shape[3]], p, d, weight.shape[1] * groups) switch
        {
            Path.Polyphase => PolyphaseGradient.Kernels(weight, s[0], p, groups),
            Path.PhaseSplit => PolyphaseGradient.SplitKernels(weight, s[0], p, groups),
            Path.NativeTransposed => null,
            _ => TransposedKernels(weight, groups),
        };
    }

    /// <summary>The kernels of the input gradient as a forward convolution: [out, in/g, kH, kW] flipped in space, the two channel axes exchanged per group → [in, out/g, kH, kW].</summary>
    private static Tensor TransposedKernels(Tensor weight, long groups)
    {
        using DisposeScope scope = NewDisposeScope();
        long outChannels = weight.shape[0], inPerGroup = weight.shape[1], kh = weight.shape[2], kw = weight.shape[3];
        Tensor flipped = kh == 1 && kw == 1 ? weight.alias() : weight.flip(2, 3);
        return flipped.reshape(groups, outChannels / groups, inPerGroup, kh, kw)
            .transpose(1, 2)
            .reshape(groups * inPerGroup, outChannels / groups, kh, kw)
            .contiguous()
            .MoveToOuterDisposeScope();
    }

    /// <summary>Stride 1: the gradient padded to full size and convolved with the transposed kernels.</summary>
    private static Tensor UnstridedAsForward(Tensor gradOutput, Tensor flipped, long[] kernel, long[] p, long[] d, long[] extra, long groups)
    {
        using DisposeScope scope = NewDisposeScope();
        long[] before = [d[0] * (kernel[0] - 1) - p[0], d[1] * (kernel[1] - 1) - p[1]];
        Tensor result;
        if (extra[0] == 0 && extra[1] == 0 && before[0] >= 0 && before[1] >= 0)
            result = F.conv2d(gradOutput, flipped, null, [1, 1], before, d, groups);
        else
        {
            Tensor padded = F.pad(gradOutput, [before[1], before[1] + extra[1], before[0], before[0] + extra[0]]);
            result = F.conv2d(padded, flipped, null, [1, 1], [0, 0], d, groups);
        }
        return result.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// 1×1 kernels with a stride: the channel mix at the gradient's resolution, written onto every stride-th position of a
    /// zero tensor of the input's size (one contiguous result, where padding and narrowing left a strided view that every
    /// later step of the backward read slowly). The strided copy is differentiable, as DMBP's mask gradients need.
    /// </summary>
    private static Tensor PointwiseStrided(Tensor gradOutput, Tensor transposed, long[] s, long[] extra, long groups)
    {
        using DisposeScope scope = NewDisposeScope();
        Tensor mixed = F.conv2d(gradOutput, transposed, null, [1, 1], [0, 0], [1, 1], groups);
        long n = mixed.shape[0], c = mixed.shape[1], h = mixed.shape[2], w = mixed.shape[3];
        long height = (h - 1) * s[0] + 1 + extra[0], width = (w - 1) * s[1] + 1 + extra[1];
        Tensor result = zeros([n, c, height, width], mixed.dtype, mixed.device);
        result.slice(2, 0, (h - 1) * s[0] + 1, s[0]).slice(3, 0, (w - 1) * s[1] + 1, s[1]).copy_(mixed);
        return result.MoveToOuterDisposeScope();
    }

    /// <summary>dL/dW of y = conv2d(x, W) for the output gradient <paramref name="gradOutput"/>, through autograd (what libtorch runs).</summary>
    public static Tensor Conv2dWeight(Tensor gradOutput, Tensor input, long[] weightShape, ScalarType dtype, long[] stride, long[] padding, long[] dilation, long groups)
    {
        using DisposeScope scope = NewDisposeScope();
        using IDisposable grad = enable_grad();
        Tensor weight = zeros(weightShape, dtype, input.device).requires_grad_();
        Tensor output = F.conv2d(input.detach(), weight, null, stride, padding, dilation, groups);
        return SafeAutograd.Grad([output], [weight], [gradOutput])[0].MoveToOuterDisposeScope();
    }

    /// <summary>
    /// dL/dx of max pooling given the winners' flat positions in each input plane: the gradient scatters onto them,
    /// and overlapping windows (stride &lt; kernel) add up as in libtorch's own backward.
    /// </summary>
    public static Tensor MaxPool2dInput(Tensor gradOutput, long[] inputShape, Tensor indices)
    {
        long n = inputShape[0], c = inputShape[1], h = inputShape[2], w = inputShape[3];
        using Tensor flatIndices = indices.flatten(2);
        using Tensor flatGrad = gradOutput.flatten(2);
        using Tensor planes = zeros([n, c, h * w], gradOutput.dtype, gradOutput.device);
        using Tensor scattered = planes.scatter_add(2, flatIndices, flatGrad);
        return scattered.view(n, c, h, w);
    }

    /// <summary>dL/dx of adaptive average pooling: each output cell spreads its gradient evenly over its window.</summary>
    public static Tensor AdaptiveAvgPool2dInput(Tensor gradOutput, long[] inputShape)
    {
        long h = inputShape[2], w = inputShape[3];
        long oh = gradOutput.shape[2], ow = gradOutput.shape[3];
        if (oh == 1 && ow == 1)
        {
            using Tensor spread = gradOutput.expand(inputShape);
            return spread.DividedBy((double)(h * w));
        }
        using Tensor rows = WindowAverages(oh, h, gradOutput.dtype, gradOutput.device);
        using Tensor columns = WindowAverages(ow, w, gradOutput.dtype, gradOutput.device);
        using Tensor left = CheckedMatMul.Of(rows.t(), gradOutput);
        return CheckedMatMul.Of(left, columns);
    }

    /// <summary>
    /// dL/dx of a ReLU from its recorded output y = max(0, x): sign(y) is the 0/1 gate, so the gate is two passes (sign, then
    /// the product in place) where a comparison takes three (bool, cast, product) — 5× faster on [2,256,56,56]. A NaN in y
    /// (only a NaN input makes one) gives NaN, which the row's finiteness check then reports, where <see cref="Threshold"/> gives 0.
    /// </summary>
    public static Tensor ReluGate(Tensor gradOutput, Tensor output)
    {
        if (!output.shape.SequenceEqual(gradOutput.shape) || output.dtype != gradOutput.dtype) return Threshold(gradOutput, output, 0);
        return output.sign().mul_(gradOutput);
    }

    /// <summary>dL/dx of relu-like gates: the gradient where <paramref name="input"/> &gt; threshold, else 0 (NaN inputs give 0).</summary>
    public static Tensor Threshold(Tensor gradOutput, Tensor input, double threshold)
    {
        using Tensor open = input.GreaterThan(threshold);
        if (!open.shape.SequenceEqual(gradOutput.shape)) return ConditionalFill.Where(open, gradOutput, 0.0);
        // The 0/1 mask becomes the result in place: one fresh tensor per gate instead of two (see ConditionalFill for why not where).
        return open.to_type(gradOutput.dtype).mul_(gradOutput);
    }

    /// <summary>The [outputs, inputs] matrix averaging input positions start_i ≤ k &lt; end_i (adaptive pooling's windows).</summary>
    private static Tensor WindowAverages(long outputs, long inputs, ScalarType dtype, Device device)
    {
        var weights = new double[outputs * inputs];
        for (long i = 0; i < outputs; i++)
        {
            long start = i * inputs / outputs;
            long end = ((i + 1) * inputs + outputs - 1) / outputs;
            for (long k = start; k < end; k++) weights[i * inputs + k] = 1.0 / (end - start);
        }
        using Tensor matrix = TensorData.FromArray(weights, outputs, inputs);
        return matrix.to(dtype, device);
    }

    private static long[] Pair(long[]? values, long fallback) => values switch
    {
        null or { Length: 0 } => [fallback, fallback],
        { Length: 1 } => [values[0], values[0]],
        { Length: 2 } => values,
        _ => throw new ArgumentException($"A spatial argument takes 1 or 2 values, got {values.Length}."),
    };
}
