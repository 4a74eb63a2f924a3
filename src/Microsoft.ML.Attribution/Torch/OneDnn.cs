using Microsoft.ML.Attribution.Torch.Native;
using static Microsoft.ML.Attribution.Torch.torch;

namespace Microsoft.ML.Attribution.Torch;

/// <summary>oneDNN's convolution on blocked tensors with a pre-packed weight (the fast path of unrecorded forwards).</summary>
internal static class OneDnn
{
    private static readonly Lazy<bool> _available = new(() => NativeMethods.MLANN_blocked_layout_available() != 0);

    /// <summary>Whether this libtorch was built with oneDNN (Debian's is).</summary>
    public static bool Available => _available.Value;

    /// <summary>A [out, in/groups, kH, kW] float32 weight packed once for convolutions with these settings (padding: (H, W)).</summary>
    public static unsafe Tensor PackConv2dWeight(Tensor weight, long[] padding, long[] stride, long[] dilation, long groups)
    {
        fixed (long* p = padding, s = stride, d = dilation)
            return NativeResult.Wrap(NativeMethods.MLANN_pack_conv2d_weight(weight.Handle, p, s, d, groups), "pack_conv2d_weight", weight);
    }

    /// <summary>Convolution of a blocked input with a packed weight and a dense bias; the output is blocked.</summary>
    public static unsafe Tensor Conv2d(Tensor input, Tensor packedWeight, Tensor? bias, long[] padding, long[] stride, long[] dilation, long groups)
    {
        fixed (long* p = padding, s = stride, d = dilation)
            return NativeResult.Wrap(NativeMethods.MLANN_blocked_conv2d(input.Handle, packedWeight.Handle, bias?.Handle ?? TensorHandle.Null, p, s, d, groups),
                "blocked conv2d", input, packedWeight, bias);
    }
}
