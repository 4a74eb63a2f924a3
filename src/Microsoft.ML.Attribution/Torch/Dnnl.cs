using Microsoft.ML.Attribution.Torch.Native;
using static Microsoft.ML.Attribution.Torch.torch;

namespace Microsoft.ML.Attribution.Torch;

/// <summary>
/// oneDNN's nChw16c activation layout, held in dense [N, C/16, H, W, 16] float32 tensors: element-wise libtorch ops
/// apply to them unchanged; pooling and layout changes go through oneDNN (convolutions: <see cref="DnnlConvolution"/>).
/// </summary>
internal static class Dnnl
{
    /// <summary>Channels per block.</summary>
    public const int Block = 16;

    /// <summary>The pooling a blocked tensor can go through.</summary>
    public enum PoolKind { Max = 0, AverageCountingPadding = 1, AverageInside = 2 }

    /// <summary>
    /// The most scratch one convolution call may use, in bytes (default 128 MiB; 0 or less = no bound). Winograd's scratch
    /// can hold the transformed tiles of every row (VGG16's 112×112 layers: ~28 MB a row), so a larger batch runs in chunks
    /// of rows under it: VGG16's forward of 11 rows peaked at 1.94 GB, 1.47 GB with the bound, at the same speed. Returns
    /// the previous bound (−1 when there was none).
    /// </summary>
    public static long SetScratchPerCall(long bytes) => NativeMethods.MLADnnl_set_scratch_per_call(bytes);

    /// <summary>Bytes of convolution weights packed so far in this process (a diagnostic for tests).</summary>
    public static long PackedBytesTotal => NativeMethods.MLADnnl_packed_bytes_total();

    /// <summary>[N, C, H, W] → [N, C/16, H, W, 16]; C must divide by 16.</summary>
    public static Tensor ToBlocked(Tensor dense) => NativeResult.Wrap(NativeMethods.MLADnnl_to_blocked(dense.Handle), "to the blocked layout", dense);

    /// <summary>[N, C/16, H, W, 16] → [N, C, H, W].</summary>
    public static Tensor ToDense(Tensor blocked) => NativeResult.Wrap(NativeMethods.MLADnnl_to_dense(blocked.Handle), "from the blocked layout", blocked);

    /// <summary>The logical [N, C, H, W] of a blocked tensor.</summary>
    public static long[] LogicalShape(Tensor blocked) =>
        [blocked.shape[0], blocked.shape[1] * Block, blocked.shape[2], blocked.shape[3]];

    /// <summary>
    /// Pools a blocked tensor into a blocked [N, C, outH, outW]; padding is (top, left, bottom, right), the bottom/right
    /// may include a ceil-mode overhang. Null when oneDNN refuses the settings (the caller pools dense).
    /// </summary>
    public static unsafe Tensor? Pool(Tensor blocked, PoolKind kind, long[] kernel, long[] stride, long[] padding, long outH, long outW)
    {
        IntPtr output;
        int status;
        fixed (long* k = kernel, s = stride, p = padding)
            status = NativeMethods.MLADnnl_pool(blocked.Handle, (int)kind, k, s, p, outH, outW, &output);
        if (status < 0) throw NativeResult.Error("oneDNN pooling", blocked);
        return status == 0 ? null : NativeResult.WrapOptional(output);
    }
}
