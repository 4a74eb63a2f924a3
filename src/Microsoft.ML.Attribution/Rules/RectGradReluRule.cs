using Microsoft.ML.Attribution.Graph;
using Microsoft.ML.Attribution.Graph.Layers;
using Microsoft.ML.Attribution.Tensors;
using static TorchSharp.torch;

namespace Microsoft.ML.Attribution.Rules;

/// <summary>
/// Rectified gradient at a ReLU (Kim et al. 2019, methods.md §5.7): with a the ReLU output and g the gradient reaching
/// it, the importance I = a ⊙ g (or |a ⊙ g| for RectGrad-Abs) must exceed a threshold τ for g to pass:
/// g_in = g ⊙ [I &gt; τ] ⊙ [z &gt; 0]. τ is the q-th percentile of I over each sample's units (C×H×W), or a constant.
/// The ReLU gate is kept so that a negative τ cannot open inactive units.
/// </summary>
public sealed class RectGradReluRule : IRule
{
    /// <param name="percentile">q in [0, 100]; ignored when <paramref name="threshold"/> is given.</param>
    /// <param name="threshold">A constant τ (may be −∞, which leaves only the ReLU gate: the plain gradient).</param>
    /// <param name="absolute">Threshold |a ⊙ g| instead of a ⊙ g (RectGrad-Abs).</param>
    public RectGradReluRule(double percentile = 98, double? threshold = null, bool absolute = false)
    {
        if (!(percentile >= 0 && percentile <= 100))
            throw new ArgumentOutOfRangeException(nameof(percentile), percentile, "The RectGrad percentile q must lie in [0, 100].");
        if (threshold is double t && double.IsNaN(t))
            throw new ArgumentOutOfRangeException(nameof(threshold), t, "The RectGrad threshold must be a number (−∞ is allowed).");
        Percentile = percentile;
        Threshold = threshold;
        Absolute = absolute;
    }

    public double Percentile { get; }

    public double? Threshold { get; }

    public bool Absolute { get; }

    public string Name => Absolute ? "rectgrad-abs-relu" : "rectgrad-relu";

    public bool AppliesTo(Layer layer) => layer is Relu;

    public Tensor[] Backward(LayerTrace trace, Tensor relevance)
    {
        using var scope = NewDisposeScope();
        Tensor a = trace.Output;
        Tensor importance = a * relevance;
        if (Absolute) importance = importance.abs();
        Tensor pass = Threshold is double constant
            ? importance.GreaterThan(constant)
            : importance.gt(PerSamplePercentile(importance, Percentile));
        Tensor gate = pass.logical_and(a.GreaterThan(0));
        return [ConditionalFill.Where(gate, relevance, 0.0).MoveToOuterDisposeScope()];
    }

    /// <summary>
    /// The q-th percentile of each sample's values (all dims but the first), shaped to broadcast against them:
    /// linear interpolation between the closest ranks (numpy's and torch.quantile's default).
    /// Only the upper (or lower) tail is sorted, so q = 98 costs a top-2% selection, not a full sort.
    /// </summary>
    public static Tensor PerSamplePercentile(Tensor values, double q)
    {
        using var scope = NewDisposeScope();
        long rows = values.shape[0];
        Tensor flat = values.reshape(rows, -1);
        long n = flat.shape[1];
        double position = q / 100.0 * (n - 1);
        long below = Math.Min((long)Math.Floor(position), n - 1), above = Math.Min(below + 1, n - 1);
        double fraction = position - below;
        Tensor low, high;
        if (q >= 50)
        {
            // Descending top (n − below) values: the last is rank `below`, the one before it rank `below + 1`.
            long k = n - below;
            Tensor top = flat.topk(checked((int)k), 1, largest: true, sorted: true).values;
            low = top.narrow(1, k - 1, 1);
            high = above == below ? low : top.narrow(1, k - 2, 1);
        }
        else
        {
            Tensor bottom = flat.topk(checked((int)(above + 1)), 1, largest: false, sorted: true).values;
            low = bottom.narrow(1, below, 1);
            high = bottom.narrow(1, above, 1);
        }
        Tensor tau = fraction == 0 ? low : low.Plus((high - low).Times(fraction));
        long[] shape = Enumerable.Repeat(1L, (int)values.Dimensions).ToArray();
        shape[0] = rows;
        return tau.reshape(shape).MoveToOuterDisposeScope();
    }
}
