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
        Tensor padded = F.pad(gradOutput, CommonPadding(gradOutput, inputShape, kernel, stride, padding, out _));
        Tensor phases = F.conv2d(padded, kernels, null, [1, 1], [0, 0], [1, 1], groups);
        Tensor interleaved = F.pixel_shuffle(phases, stride);
        Tensor result = interleaved.narrow(2, 0, inputShape[2]).narrow(3, 0, inputShape[3]);
        return (result.is_contiguous() ? result : result.contiguous()).MoveToOuterDisposeScope();
    }

    /// <summary>F.pad's (left, right, top, bottom) that gives every phase row m the gradient rows m + first … m + last of the common window.</summary>
    private static long[] CommonPadding(Tensor gradOutput, long[] inputShape, long[] kernel, long stride, long[] padding, out long[] perPhase)
    {
        var pads = new long[4];
        perPhase = new long[2];
        for (int axis = 0; axis < 2; axis++)
        {
            var (_, (first, last)) = Taps(kernel[axis], stride, padding[axis]);
            perPhase[axis] = (inputShape[2 + axis] + stride - 1) / stride;
            // pad (or crop, when negative) to exactly that range
            pads[2 * (1 - axis)] = -first;
            pads[2 * (1 - axis) + 1] = perPhase[axis] - 1 + last - (gradOutput.shape[2 + axis] - 1);
        }
        return pads;
    }

    /// <summary>
    /// Input channels from which <see cref="SplitKernels"/>/<see cref="ApplySplit"/> (one convolution per phase) beat the
    /// stacked form here: the stacked sub-kernels are zero-padded to the largest phase (a 3×3 kernel at stride 2: 16 taps for
    /// 9), while each phase alone does exactly the forward's work. ResNet50's 3×3 stride-2 convolutions at batch 2: 4.6 → 3.1,
    /// 4.9 → 3.4, 3.7 → 2.7 ms. With few channels (the 7×7 stem's gradient has 3) the small per-phase convolutions are slow
    /// (3.6 → 13 ms), and the stacked form stays.
    /// </summary>
    public const long SplitFromChannels = 16;

    /// <summary>
    /// Each phase's own sub-kernel (its taps only, no zero padding) of <paramref name="weight"/> [out, in/g, kH, kW], in one
    /// flat buffer: phase (rH, rW) at <see cref="SplitLayout"/>'s offset, shaped [in, out/g, tapsH, tapsW] — contiguous views
    /// per call, no copies.
    /// </summary>
    public static Tensor SplitKernels(Tensor weight, long stride, long[] padding, long groups)
    {
        using DisposeScope scope = NewDisposeScope();
        Tensor stacked = Kernels(weight, stride, padding, groups); // [in·s², out/g, LH, LW]
        long inChannels = stacked.shape[0] / (stride * stride);
        Tensor phases = stacked.reshape(inChannels, stride * stride, stacked.shape[1], stacked.shape[2], stacked.shape[3]);
        var parts = new List<Tensor>();
        foreach (Phase phase in SplitLayout([weight.shape[2], weight.shape[3]], stride, padding, inChannels, weight.shape[0] / groups))
        {
            if (phase.Size == 0) continue;
            parts.Add(phases.select(1, phase.Row * stride + phase.Column)
                .narrow(2, phase.WindowRow, phase.TapsRow).narrow(3, phase.WindowColumn, phase.TapsColumn).reshape(-1));
        }
        return (parts.Count == 0 ? zeros(0, dtype: weight.dtype, device: weight.device) : cat(parts, 0)).MoveToOuterDisposeScope();
    }

    /// <summary>dL/dx as <see cref="Apply"/>, one convolution per phase with <see cref="SplitKernels"/>, written into the phase's strided positions.</summary>
    public static Tensor ApplySplit(Tensor gradOutput, Tensor splitKernels, long[] inputShape, long[] kernel, long stride, long[] padding, long groups)
    {
        using DisposeScope scope = NewDisposeScope();
        long inChannels = inputShape[1], outPerGroup = gradOutput.shape[1] / groups;
        Phase[] layout = SplitLayout(kernel, stride, padding, inChannels, outPerGroup);
        if (splitKernels.Dimensions != 1 || splitKernels.shape[0] != layout.Sum(p => p.Size))
            throw new ArgumentException($"conv2d input gradient: split kernels {splitKernels.Describe()} were not made for a {kernel[0]}x{kernel[1]} kernel at stride {stride} with {inChannels} input channels.");
        Tensor padded = F.pad(gradOutput, CommonPadding(gradOutput, inputShape, kernel, stride, padding, out _));
        Tensor result = zeros(inputShape, dtype: gradOutput.dtype, device: gradOutput.device);
        long offset = 0;
        foreach (Phase phase in layout)
        {
            long rows = (inputShape[2] - phase.Row + stride - 1) / stride, columns = (inputShape[3] - phase.Column + stride - 1) / stride;
            long start = offset;
            offset += phase.Size;
            if (phase.Size == 0 || rows <= 0 || columns <= 0) continue; // a phase no tap reaches keeps its zeros
            Tensor subKernel = splitKernels.narrow(0, start, phase.Size).view(inChannels, outPerGroup, phase.TapsRow, phase.TapsColumn);
            Tensor window = padded.narrow(2, phase.WindowRow, rows + phase.TapsRow - 1).narrow(3, phase.WindowColumn, columns + phase.TapsColumn - 1);
            Tensor values = F.conv2d(window, subKernel, null, [1, 1], [0, 0], [1, 1], groups);
            result[TensorIndex.Colon, TensorIndex.Colon, TensorIndex.Slice(phase.Row, null, stride), TensorIndex.Slice(phase.Column, null, stride)] = values;
        }
        return result.MoveToOuterDisposeScope();
    }

    /// <summary>One phase (Row, Column) of the split form: where its taps sit in the common window, how many, and its kernel's element count.</summary>
    private readonly record struct Phase(long Row, long Column, long WindowRow, long TapsRow, long WindowColumn, long TapsColumn, long Size);

    private static Phase[] SplitLayout(long[] kernel, long stride, long[] padding, long inChannels, long outPerGroup)
    {
        var (rowTaps, _) = Taps(kernel[0], stride, padding[0]);
        var (columnTaps, _) = Taps(kernel[1], stride, padding[1]);
        var layout = new List<Phase>();
        for (long r = 0; r < stride; r++)
            for (long c = 0; c < stride; c++)
            {
                var (rowStart, rowCount) = TapRange(rowTaps[r], kernel[0]);
                var (columnStart, columnCount) = TapRange(columnTaps[c], kernel[1]);
                layout.Add(new Phase(r, c, rowStart, rowCount, columnStart, columnCount, inChannels * outPerGroup * rowCount * columnCount));
            }
        return layout.ToArray();
    }

    /// <summary>The contiguous run of real taps (not the zero tap <paramref name="kernel"/>) in one phase's window: its start and length.</summary>
    private static (long Start, long Count) TapRange(long[] taps, long kernel)
    {
        int first = Array.FindIndex(taps, t => t != kernel), last = Array.FindLastIndex(taps, t => t != kernel);
        return first < 0 ? (0, 0) : (first, last - first + 1);
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
