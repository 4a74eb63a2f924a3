using static TorchSharp.torch;

namespace Microsoft.ML.Attribution.Tensors;

/// <summary>
/// where(condition, x, c) for a constant c in x's dtype and device. TorchSharp would turn a bare double into a hidden
/// float64 tensor that no scope disposes; this one is disposed at once.
/// </summary>
public static class ConditionalFill
{
    public static Tensor Where(Tensor condition, Tensor x, double otherwise)
    {
        using Tensor constant = tensor(otherwise, x.dtype, x.device);
        return where(condition, x, constant);
    }
}
