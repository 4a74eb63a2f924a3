using Microsoft.ML.Attribution.Torch.Native;
using static Microsoft.ML.Attribution.Torch.torch;

namespace Microsoft.ML.Attribution.Torch;

/// <summary>The relevance rules' quotient in one native pass (libtorch's ops take five or six over the tensor).</summary>
internal static class RelevanceDivision
{
    /// <summary>Whether <see cref="Divide"/> takes these operands: same shape and dtype, float32 or float64, CPU, no autograd.</summary>
    public static bool Applies(Tensor relevance, Tensor z) =>
        relevance.dtype == z.dtype && relevance.dtype is ScalarType.Float32 or ScalarType.Float64
        && relevance.device.type == DeviceType.CPU && z.device.type == DeviceType.CPU && relevance.shape.SequenceEqual(z.shape)
        && !(is_grad_enabled() && (relevance.requires_grad || z.requires_grad));

    /// <summary>r / (z + ε·sign(z)) with sign(0) = +1; with ε = 0, r / z where z ≠ 0 and 0 where z = 0.</summary>
    public static Tensor Divide(Tensor relevance, Tensor z, double epsilon) =>
        NativeResult.Wrap(NativeMethods.MLARel_divide(relevance.Handle, z.Handle, epsilon), "relevance division", relevance, z);
}
