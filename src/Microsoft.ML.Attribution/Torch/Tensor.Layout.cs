using Microsoft.ML.Attribution.Torch.Native;

namespace Microsoft.ML.Attribution.Torch;

public static partial class torch
{
    public sealed partial class Tensor
    {
        /// <summary>
        /// True for a tensor in oneDNN's blocked layout (torch's "mkldnn" tensors): float32 CPU only, and only a few
        /// operations (convolution, ReLU, pooling, element-wise add/mul) accept it; <see cref="to_dense"/> converts back.
        /// </summary>
        public bool is_mkldnn => NativeMethods.MLATensor_is_blocked(Handle) != 0;

        /// <summary>This (float32, CPU) tensor in oneDNN's blocked layout.</summary>
        public Tensor to_mkldnn() => NativeResult.Wrap(NativeMethods.MLATensor_to_blocked(Handle), "to_mkldnn", this);

        /// <summary>A blocked tensor back in the ordinary strided layout (a dense tensor is returned as a new handle to itself).</summary>
        public Tensor to_dense() => NativeResult.Wrap(NativeMethods.MLATensor_to_dense(Handle), "to_dense", this);

        /// <summary>libtorch's version counter: in-place writes increase it, so caches derived from a tensor can tell it changed.</summary>
        internal long version => NativeMethods.MLATensor_version(Handle);
    }
}
