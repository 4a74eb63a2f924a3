using TorchSharp;
using Microsoft.ML.Attribution.Tensors;
using static TorchSharp.torch;

namespace Microsoft.ML.Attribution.Rules;

/// <summary>Safe division for relevance rules: z + ε·sign(z) with sign(0) = +1 (Zennit's convention, methods.md §0.4).</summary>
public static class Stabilizer
{
    public static Tensor Stabilize(Tensor z, double epsilon)
    {
        using var scope = NewDisposeScope();
        Tensor sign = z.AtLeastMask(0).to(z.dtype).Times(2.0).Minus(1.0);
        return z.Plus(sign.Times(epsilon)).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// r / stabilize(z, ε). With ε = 0 (LRP-0) nothing moves z off zero, so the quotient is taken as in
    /// <see cref="SafeDivide"/>: 0 where z = 0 instead of NaN/∞ (e.g. a pooled channel that is dead for an image).
    /// </summary>
    public static Tensor Divide(Tensor relevance, Tensor z, double epsilon)
    {
        if (epsilon == 0) return SafeDivide(relevance, z);
        using Tensor denominator = Stabilize(z, epsilon);
        return relevance / denominator;
    }

    /// <summary>
    /// a / b where b ≠ 0 and exactly 0 where b = 0 (RSP's convention, methods.md §0.4): no ε enters the quotient,
    /// so rules that rely on it conserve relevance exactly. Broadcasts like a plain division.
    /// </summary>
    public static Tensor SafeDivide(Tensor numerator, Tensor denominator)
    {
        using var scope = NewDisposeScope();
        Tensor nonzero = denominator.NotEqualTo(0);
        Tensor quotient = numerator / ConditionalFill.Where(nonzero, denominator, 1.0);
        return ConditionalFill.Where(nonzero, quotient, 0.0).MoveToOuterDisposeScope();
    }
}
