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
    /// dL/dx of y = conv2d(x, weight) with 0/1/2-value symmetric padding, written as a forward convolution: the output
    /// gradient, spread out by the stride (zeros between), padded to full size and convolved with the flipped kernels,
    /// input and output channels swapped per group. libtorch 2.10's own input-gradient kernels (conv_transpose2d and
    /// convolution_backward) return wrong values, varying from call to call, for float32 convolutions with few channels
    /// (1 to 4) on the CPU, so neither is used; the forward convolution is exact.
    /// </summary>
    public static Tensor Conv2dInput(Tensor gradOutput, long[] inputShape, Tensor weight, long[] stride, long[] padding, long[] dilation, long groups)
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

        using DisposeScope scope = NewDisposeScope();
        Tensor spread = SpreadByStride(gradOutput, s);
        long outChannels = weight.shape[0], inPerGroup = weight.shape[1];
        Tensor flipped = weight.flip(2, 3)
            .reshape(groups, outChannels / groups, inPerGroup, kernel[0], kernel[1])
            .transpose(1, 2)
            .reshape(groups * inPerGroup, outChannels / groups, kernel[0], kernel[1]);
        long[] before = [d[0] * (kernel[0] - 1) - p[0], d[1] * (kernel[1] - 1) - p[1]];
        Tensor result;
        if (extra[0] == 0 && extra[1] == 0 && before[0] >= 0 && before[1] >= 0)
            result = F.conv2d(spread, flipped, null, [1, 1], before, d, groups);
        else
        {
            Tensor padded = F.pad(spread, [before[1], before[1] + extra[1], before[0], before[0] + extra[0]]);
            result = F.conv2d(padded, flipped, null, [1, 1], [0, 0], d, groups);
        }
        return result.MoveToOuterDisposeScope();
    }

    /// <summary>[N, C, h, w] → [N, C, (h−1)·sH + 1, (w−1)·sW + 1] with the values at every stride-th position and zeros between (differentiable).</summary>
    private static Tensor SpreadByStride(Tensor gradient, long[] stride)
    {
        if (stride[0] == 1 && stride[1] == 1) return gradient.alias();
        long n = gradient.shape[0], c = gradient.shape[1], h = gradient.shape[2], w = gradient.shape[3];
        Tensor columns = F.pad(gradient.unsqueeze(-1), [0, stride[1] - 1]).reshape(n, c, h, w * stride[1]).narrow(3, 0, (w - 1) * stride[1] + 1);
        long width = columns.shape[3];
        return F.pad(columns.unsqueeze(3), [0, 0, 0, stride[0] - 1]).reshape(n, c, h * stride[0], width).narrow(2, 0, (h - 1) * stride[0] + 1);
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
            return spread / (double)(h * w);
        }
        using Tensor rows = WindowAverages(oh, h, gradOutput.dtype, gradOutput.device);
        using Tensor columns = WindowAverages(ow, w, gradOutput.dtype, gradOutput.device);
        using Tensor left = CheckedMatMul.Of(rows.t(), gradOutput);
        return CheckedMatMul.Of(left, columns);
    }

    /// <summary>dL/dx of relu-like gates: the gradient where <paramref name="input"/> &gt; threshold, else 0 (NaN inputs give 0).</summary>
    public static Tensor Threshold(Tensor gradOutput, Tensor input, double threshold)
    {
        using Tensor open = input.gt(threshold);
        using Tensor zero = zeros_like(gradOutput);
        return where(open, gradOutput, zero);
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
