using Microsoft.ML.Attribution.Torch.Native;
using static Microsoft.ML.Attribution.Torch.torch;

namespace Microsoft.ML.Attribution.Torch;

/// <summary>
/// One convolution run by oneDNN directly: per input shape it keeps a primitive and the weights packed for it
/// (Winograd for 3×3 stride-1 layers with blocked input and output). It references the weight and bias it was made
/// from; a caller that changes them makes a new one. Safe to run from several threads.
/// </summary>
internal sealed class DnnlConvolution : IDisposable
{
    private IntPtr _handle;
    private readonly object _lock = new();
    private int _running;

    /// <summary>
    /// A convolution of <paramref name="weight"/>; <paramref name="sharePackedWith"/> (optional) is one made from the same
    /// weights (another epilogue or bias, the same values) whose packed copies this one shares rather than packing its
    /// own: a layer's fused-ReLU, plain and accumulating kernels hold one set.
    /// </summary>
    public unsafe DnnlConvolution(Tensor weight, Tensor? bias, long[] stride, long[] padding, long[] dilation, long groups, bool allowWinograd,
        ConvolutionEpilogue epilogue, DnnlConvolution? sharePackedWith = null)
    {
        IntPtr Create(IntPtr shared)
        {
            fixed (long* s = stride, p = padding, d = dilation)
                return NativeMethods.MLADnnl_conv_new(weight.Handle, bias?.Handle ?? TensorHandle.Null, s, p, d, groups, allowWinograd ? 1 : 0,
                    (int)epilogue, shared);
        }
        _handle = sharePackedWith is null ? Create(IntPtr.Zero) : sharePackedWith.Use(Create);
        if (_handle == IntPtr.Zero) throw NativeResult.Error("oneDNN convolution", weight, bias);
    }

    /// <summary>
    /// The convolution of a dense [N,C,H,W] or blocked ([N,C/16,H,W,16]) input; the output is blocked when its channel
    /// count divides by 16. Null when oneDNN has no kernel for this case (the caller then runs libtorch's). An
    /// accumulating convolution adds its result into <paramref name="accumulate"/> in place and returns a new handle to it.
    /// </summary>
    public unsafe (Tensor output, bool blocked)? Forward(Tensor input, bool inputBlocked, Tensor? accumulate = null) => Use(handle =>
    {
        IntPtr output;
        int blocked;
        int status = NativeMethods.MLADnnl_conv_forward(handle, input.Handle, inputBlocked ? 1 : 0, accumulate?.Handle ?? TensorHandle.Null,
            &output, &blocked);
        if (status < 0) throw NativeResult.Error("oneDNN convolution", input);
        return status == 0 ? ((Tensor, bool)?)null : (NativeResult.WrapOptional(output)!, blocked != 0);
    });

    /// <summary>
    /// The input gradient (the transposed convolution) of a dense [N, C_out, H', W'] output gradient, for an input of
    /// <paramref name="inputHeight"/>×<paramref name="inputWidth"/>: dense, computed in the blocked layout. Null when
    /// oneDNN has no kernel for the case (both channel counts must divide by 16, one group).
    /// </summary>
    public unsafe Tensor? BackwardData(Tensor gradOutput, long inputHeight, long inputWidth) => Use(handle =>
    {
        IntPtr output;
        int status = NativeMethods.MLADnnl_conv_backward_data(handle, gradOutput.Handle, inputHeight, inputWidth, &output);
        if (status < 0) throw NativeResult.Error("oneDNN convolution backward", gradOutput);
        return status == 0 ? null : NativeResult.WrapOptional(output);
    });

    /// <summary>The scratch the forward plan for an [N, C, H, W] input wants (−1 when oneDNN has no kernel): a diagnostic.</summary>
    public long ScratchBytes(long[] shape, bool blocked) =>
        Use(handle => NativeMethods.MLADnnl_conv_scratch_bytes(handle, shape[0], shape[1], shape[2], shape[3], blocked ? 1 : 0));

    /// <summary>Runs a native call on the handle, which a concurrent <see cref="Dispose"/> frees only after the call returns.</summary>
    private T Use<T>(Func<IntPtr, T> call)
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_handle == IntPtr.Zero || _disposeRequested, this);
            _running++;
        }
        try
        {
            return call(_handle);
        }
        finally
        {
            lock (_lock)
            {
                _running--;
                if (_running == 0 && _disposeRequested) Free();
            }
        }
    }

    private bool _disposeRequested;

    /// <summary>Frees the plans now, or when the last running call returns.</summary>
    public void Dispose()
    {
        lock (_lock)
        {
            _disposeRequested = true;
            if (_running == 0) Free();
        }
    }

    private void Free()
    {
        if (_handle == IntPtr.Zero) return;
        NativeMethods.MLADnnl_conv_free(_handle);
        _handle = IntPtr.Zero;
    }
}
