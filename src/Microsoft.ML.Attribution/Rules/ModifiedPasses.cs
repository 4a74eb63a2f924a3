using Microsoft.ML.Attribution.Graph;
using Microsoft.ML.Attribution.Tensors;
using static TorchSharp.torch;

namespace Microsoft.ML.Attribution.Rules;

/// <summary>
/// Forwards and transposes with modified weights for the rules. Layers that run such passes without a whole modified copy
/// (convolutions with kept kernels, large dense layers block by block) are asked directly; for the others (small dense
/// layers, batch norms) the modified weight is made once per rule call and shared by its forward and transpose instead
/// of being made for each.
/// </summary>
internal static class ModifiedPasses
{
    [ThreadStatic]
    private static Dictionary<(ILinearLayer Layer, string Key), Tensor>? t_made;

    private static int s_made;

    /// <summary>How many modified parameters were made so far (a diagnostic for tests).</summary>
    internal static int MadeCount => Volatile.Read(ref s_made);

    /// <summary>
    /// Shares modified parameters until disposed. Open it inside the rule call's dispose scope, which frees the tensors;
    /// disposing this only forgets them.
    /// </summary>
    public static IDisposable Share()
    {
        var previous = t_made;
        t_made = [];
        return new Restore(previous);
    }

    public static Tensor Forward(ILinearLayer layer, Tensor x, WeightModifier modifier, bool withBias)
    {
        if (AskLayer(layer)) return layer.ForwardModified(x, modifier, withBias);
        Tensor? bias = withBias && layer.Bias is { } b ? Made(layer, modifier, b, "bias") : null;
        return layer.ForwardWith(x, Made(layer, modifier, layer.Weight, "weight"), bias);
    }

    public static Tensor Transpose(ILinearLayer layer, Tensor gradOutput, Tensor input, WeightModifier modifier) =>
        AskLayer(layer)
            ? layer.TransposeModified(gradOutput, input, modifier)
            : layer.TransposeWith(gradOutput, input, Made(layer, modifier, layer.Weight, "weight"));

    /// <summary>x ⊙ Lᵀ(s; m(W)).</summary>
    public static Tensor Contribution(ILinearLayer layer, Tensor x, Tensor s, Tensor input, WeightModifier modifier) =>
        x * Transpose(layer, s, input, modifier);

    /// <summary>Whether the layer runs the pass itself: it needs no whole modified copy, or no rule call is sharing one.</summary>
    private static bool AskLayer(ILinearLayer layer) => layer.RunsModifiedPassesItself || t_made is null;

    private static Tensor Made(ILinearLayer layer, WeightModifier modifier, Tensor parameter, string which)
    {
        var key = (layer, $"{which} {modifier.Key}");
        if (t_made!.TryGetValue(key, out Tensor? made)) return made;
        Interlocked.Increment(ref s_made);
        return t_made[key] = modifier.Apply(parameter);
    }

    private sealed class Restore(Dictionary<(ILinearLayer, string), Tensor>? previous) : IDisposable
    {
        public void Dispose() => t_made = previous;
    }
}
