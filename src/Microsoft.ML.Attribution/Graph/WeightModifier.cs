using Microsoft.ML.Attribution.Tensors;
using static TorchSharp.torch;

namespace Microsoft.ML.Attribution.Graph;

/// <summary>
/// A named element-wise change of a layer's weight and bias (W⁺, W⁻, −W, W + γW⁺, …), as LRP-type rules evaluate
/// layers with. The name identifies the change, so a layer can keep kernels built from the changed weights instead of
/// rebuilding them on every pass; two modifiers with one name must compute the same thing. Changes are element-wise, so
/// a slice of a weight modifies as the whole would (large dense layers modify theirs a block of rows at a time).
/// </summary>
public sealed class WeightModifier
{
    private readonly Func<Tensor, Tensor> _apply;

    public WeightModifier(string key, Func<Tensor, Tensor> apply)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        Key = key;
        _apply = apply ?? throw new ArgumentNullException(nameof(apply));
    }

    public string Key { get; }

    /// <summary>The changed copy of <paramref name="parameter"/> (a new tensor the caller owns).</summary>
    public Tensor Apply(Tensor parameter) => _apply(parameter);

    /// <summary>This change followed by <paramref name="next"/>.</summary>
    public WeightModifier Then(WeightModifier next) => new($"{Key}>{next.Key}", t =>
    {
        using Tensor first = Apply(t);
        return next.Apply(first);
    });

    /// <summary>W⁺ = max(W, 0).</summary>
    public static WeightModifier Positive { get; } = new("positive", t => t.AtLeast(0));

    /// <summary>W⁻ = min(W, 0).</summary>
    public static WeightModifier Negative { get; } = new("negative", t => t.AtMost(0));

    /// <summary>−W.</summary>
    public static WeightModifier Negated { get; } = new("negated", t => t.neg());

    /// <summary>All ones (LRP-flat).</summary>
    public static WeightModifier Ones { get; } = new("ones", t => ones_like(t));

    /// <summary>W² (LRP-w²).</summary>
    public static WeightModifier Square { get; } = new("square", t => t.Squared());

    /// <summary>W + γW⁺ (<paramref name="positive"/>) or W + γW⁻: the generalized LRP-γ weights.</summary>
    public static WeightModifier Gamma(double gamma, bool positive) => new($"gamma{(positive ? "+" : "-")}{gamma:R}", t =>
    {
        using Tensor part = (positive ? Positive : Negative).Apply(t);
        using Tensor scaled = part.Times(gamma);
        return t.Plus(scaled);
    });

    public override string ToString() => Key;
}
