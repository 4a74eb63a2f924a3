using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Microsoft.ML.Attribution.Tensors;

/// <summary>
/// The input gradient of a convolution with stride s (equal on both axes, no dilation) as one forward convolution and a
/// pixel shuffle. Input rows i = s·m + r of one phase r receive the output gradient only through the kernel taps
/// k ≡ (r + p) mod s, so each of the s² phases is an unstrided correlation of the gradient with a sub-kernel; stacking the
/// sub-kernels as s²·C_in output channels computes every phase in one convolution, and pixel_shuffle interleaves them.
/// The sums are the same as the transposed convolution's, and the work is the forward's — where a convolution over the
/// stride-spread gradient does s² times that, and libtorch's native transposed convolution (oneDNN's is wrong here, see
/// <see cref="LayerGradients.Conv2dInput"/>) is 1.5–3× slower (ResNet50's 7×7 stem at batch 2: 3.4 ms against 6.1 ms).
/// </summary>
public static class PolyphaseGradient
{
    /// <summary>Whether the geometry suits it: one stride above 1 for both axes, no dilation, a kernel larger than 1×1.</summary>
    public static bool AppliesTo(long[] stride, long[] kernel, long[] dilation) =>
        stride[0] == stride[1] && stride[0] > 1 && dilation[0] == 1 && dilation[1] == 1 && (kernel[0] > 1 || kernel[1] > 1);

    /// <summary>
    /// The stacked sub-kernels of <paramref name="weight"/> [out, in/g, kH, kW]: [in·s², out/g, LH, LW], output channel
    /// c·s² + rH·s + rW holding phase (rH, rW) of input channel c (pixel_shuffle's order), zero where a phase has no tap.
    /// </summary>
    public static Tensor Kernels(Tensor weight, long stride, long[] padding, long groups)
    {
        long outChannels = weight.shape[0], inPerGroup = weight.shape[1], kh = weight.shape[2], kw = weight.shape[3];
        var (rowTaps, _) = Taps(kh, stride, padding[0]);
        var (columnTaps, _) = Taps(kw, stride, padding[1]);
        using DisposeScope scope = NewDisposeScope();
        Tensor swapped = weight.reshape(groups, outChannels / groups, inPerGroup, kh, kw)
            .transpose(1, 2)
            .reshape(groups * inPerGroup, outChannels / groups, kh, kw);
        Tensor withZero = F.pad(swapped, [0, 1, 0, 1]); // index kH (kW) of the last axes is the zero tap
        var phases = new List<Tensor>();
        foreach (long[] rows in rowTaps)
        {
            Tensor rowPicked = withZero.index_select(2, tensor(rows, device: weight.device));
            foreach (long[] columns in columnTaps)
                phases.Add(rowPicked.index_select(3, tensor(columns, device: weight.device)));
        }
        Tensor stacked = stack(phases, 1); // [in, s², out/g, LH, LW]
        return stacked.reshape(stacked.shape[0] * stacked.shape[1], stacked.shape[2], stacked.shape[3], stacked.shape[4])
            .contiguous()
            .MoveToOuterDisposeScope();
    }

    /// <summary>dL/dx for an input shaped <paramref name="inputShape"/>, given <see cref="Kernels"/> of the convolution's weight.</summary>
    public static Tensor Apply(Tensor gradOutput, Tensor kernels, long[] inputShape, long[] kernel, long stride, long[] padding, long groups)
    {
        using DisposeScope scope = NewDisposeScope();
        var pads = new long[4]; // F.pad's order: left, right, top, bottom
        long[] phasesLong = new long[2];
        for (int axis = 0; axis < 2; axis++)
        {
            var (_, (first, last)) = Taps(kernel[axis], stride, padding[axis]);
            long perPhase = (inputShape[2 + axis] + stride - 1) / stride;
            long gradient = gradOutput.shape[2 + axis];
            // phase rows m read gradient rows m + first … m + last; pad (or crop, when negative) to exactly that range
            pads[2 * (1 - axis)] = -first;
            pads[2 * (1 - axis) + 1] = perPhase - 1 + last - (gradient - 1);
            phasesLong[axis] = perPhase;
        }
        Tensor padded = F.pad(gradOutput, pads);
        Tensor phases = F.conv2d(padded, kernels, null, [1, 1], [0, 0], [1, 1], groups);
        Tensor interleaved = F.pixel_shuffle(phases, stride);
        Tensor result = interleaved.narrow(2, 0, inputShape[2]).narrow(3, 0, inputShape[3]);
        return (result.is_contiguous() ? result : result.contiguous()).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// For one axis: per phase r, the kernel index each of the L window taps multiplies (kernel = none), and the window's
    /// offsets (first, last) relative to the phase row m. Phase r uses taps k = k0 + s·j with k0 = (r + p) mod s, reading
    /// gradient row m + c − j where c = (r + p) div s.
    /// </summary>
    private static (long[][] Taps, (long First, long Last) Window) Taps(long kernel, long stride, long padding)
    {
        long first = long.MaxValue, last = long.MinValue;
        for (long r = 0; r < stride; r++)
        {
            long k0 = (r + padding) % stride, c = (r + padding) / stride;
            long count = k0 < kernel ? (kernel - k0 + stride - 1) / stride : 0;
            if (count == 0) continue;
            first = Math.Min(first, c - count + 1);
            last = Math.Max(last, c);
        }
        long length = last - first + 1;
        var taps = new long[stride][];
        for (long r = 0; r < stride; r++)
        {
            long k0 = (r + padding) % stride, c = (r + padding) / stride;
            long count = k0 < kernel ? (kernel - k0 + stride - 1) / stride : 0;
            taps[r] = new long[length];
            for (long t = 0; t < length; t++)
            {
                long j = c - (first + t);
                taps[r][t] = j >= 0 && j < count ? k0 + stride * j : kernel;
            }
        }
        return (taps, (first, last));
    }
}
