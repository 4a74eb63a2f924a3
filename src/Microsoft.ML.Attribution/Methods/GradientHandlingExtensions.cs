using Microsoft.ML.Attribution.Tensors;
using static TorchSharp.torch;

namespace Microsoft.ML.Attribution.Methods;

/// <summary>Applies φ element-wise.</summary>
internal static class GradientHandlingExtensions
{
    public static Tensor Apply(this GradientHandling handling, Tensor gradients) => handling switch
    {
        GradientHandling.Signed => gradients.alias(),
        GradientHandling.Positive => gradients.AtLeast(0),
        GradientHandling.Negative => gradients.AtMost(0),
        GradientHandling.Absolute => gradients.abs(),
        _ => throw new ArgumentOutOfRangeException(nameof(handling), handling, "Unknown gradient handling."),
    };

    /// <summary>Whether φ can produce negative values (then maps are scaled by max |·|, not min-max, so the sign survives).</summary>
    public static bool KeepsSign(this GradientHandling handling) => handling is GradientHandling.Signed or GradientHandling.Negative;
}
