using Microsoft.ML.Attribution.Torch.Native;
using static Microsoft.ML.Attribution.Torch.torch;

namespace Microsoft.ML.Attribution.Torch;

/// <summary>
/// Excitation backprop's transpose through a dense layer in one native pass over the weights: g = m(W)ᵀ·(p ⊘ (x·m(W)ᵀ + ε))
/// with m(W) = W⁺ (or (−W)⁺), each weight row modified as it is read. The libtorch way makes W⁺ and reads it twice
/// (VGG16's first dense layer: a 411 MB copy, or ~400 small products block by block).
/// </summary>
internal static class DenseExcitation
{
    /// <summary>Whether <see cref="Transpose"/> takes these operands: 2-D x [N, K], W [J, K], p [N, J], one float dtype, CPU, no autograd.</summary>
    public static bool Applies(Tensor x, Tensor weight, Tensor relevance) =>
        x.Dimensions == 2 && weight.Dimensions == 2 && relevance.Dimensions == 2 && x.shape[1] == weight.shape[1]
        && relevance.shape[0] == x.shape[0] && relevance.shape[1] == weight.shape[0]
        && x.dtype is ScalarType.Float32 or ScalarType.Float64 && weight.dtype == x.dtype && relevance.dtype == x.dtype
        && x.device.type == DeviceType.CPU && weight.device.type == DeviceType.CPU && relevance.device.type == DeviceType.CPU
        && !(is_grad_enabled() && (x.requires_grad || weight.requires_grad || relevance.requires_grad));

    /// <summary>g = m(W)ᵀ·(p ⊘ (x·m(W)ᵀ + <paramref name="stabilizer"/>)), m(W) = W⁺, or (−W)⁺ with <paramref name="negateWeights"/>.</summary>
    public static Tensor Transpose(Tensor x, Tensor weight, Tensor relevance, bool negateWeights, double stabilizer) =>
        NativeResult.Wrap(NativeMethods.MLARel_dense_excitation(x.Handle, weight.Handle, relevance.Handle, negateWeights ? 1 : 0, stabilizer),
            "dense excitation", x, weight, relevance);
}
