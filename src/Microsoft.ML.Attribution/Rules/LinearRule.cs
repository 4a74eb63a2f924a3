using Microsoft.ML.Attribution.Graph;
using Microsoft.ML.Attribution.Tensors;
using static TorchSharp.torch;

namespace Microsoft.ML.Attribution.Rules;

/// <summary>
/// Base of the LRP rules for affine layers (<see cref="ILinearLayer"/>): each rule evaluates the layer with modified
/// inputs/weights, divides the relevance by that output, and maps it back with the layer's transpose (methods.md §0.3).
/// </summary>
public abstract class LinearRule : IRule
{
    public abstract string Name { get; }

    public bool AppliesTo(Layer layer) => layer is ILinearLayer;


    public Tensor[] Backward(LayerTrace trace, Tensor relevance)
    {
        if (trace.Layer is not ILinearLayer layer)
            throw new InvalidOperationException($"Rule '{Name}' needs an affine layer (Conv2d, Linear, BatchNorm), not {trace.Layer}.");
        using var scope = NewDisposeScope();
        using IDisposable shared = ModifiedPasses.Share();
        LayerTrace? previous = t_trace;
        t_trace = trace;
        try
        {
            Tensor result = Relevance(layer, trace.Input, relevance);
            return [result.MoveToOuterDisposeScope()];
        }
        finally
        {
            t_trace = previous;
        }
    }

    [ThreadStatic]
    private static LayerTrace? t_trace;

    /// <summary>The recorded output W·x + b of the traced layer itself (null for a wrapped view such as negated weights).</summary>
    protected static Tensor? RecordedOutput(ILinearLayer layer) =>
        t_trace is { } trace && ReferenceEquals(trace.Layer, layer) ? trace.Output : null;

    /// <summary>
    /// <paramref name="compute"/>() once per recorded pass: a modified forward z depends on the layer's recorded input alone,
    /// so a second propagation over the same tape (CLRP's dual, SGLRP's other classes, more targets) reuses it. Only for the
    /// traced layer itself (a wrapper such as <see cref="NegatedWeightRule"/> computes afresh); the tape frees the cache.
    /// </summary>
    protected static Tensor Once(ILinearLayer layer, string key, Func<Tensor> compute) =>
        t_trace is { } trace && ReferenceEquals(trace.Layer, layer) ? trace.GetOrAdd(layer, key, compute) : compute();

    /// <summary>The input relevance; runs inside a dispose scope, so temporaries need no disposal.</summary>
    protected abstract Tensor Relevance(ILinearLayer layer, Tensor input, Tensor relevance);

    /// <summary>Lets a rule that wraps another (e.g. one that negates the weights) call its <see cref="Relevance"/>.</summary>
    internal Tensor RelevanceOf(ILinearLayer layer, Tensor input, Tensor relevance) => Relevance(layer, input, relevance);

    /// <summary>z = L(x; w) + b.</summary>
    protected static Tensor Forward(ILinearLayer layer, Tensor x, Tensor w, Tensor? b) => layer.ForwardWith(x, w, b);

    /// <summary>z = L(x; m(W)) + m(b) (the bias only with <paramref name="withBias"/>).</summary>
    protected static Tensor Forward(ILinearLayer layer, Tensor x, WeightModifier m, bool withBias) => ModifiedPasses.Forward(layer, x, m, withBias);

    /// <summary>x ⊙ Lᵀ(s; w) (units over all-zero windows of x contribute nothing and are dropped first).</summary>
    protected static Tensor Contribution(ILinearLayer layer, Tensor x, Tensor s, Tensor w, Tensor input) =>
        x * layer.TransposeWith(s, input, w);

    /// <summary>x ⊙ Lᵀ(s; m(W)).</summary>
    protected static Tensor Contribution(ILinearLayer layer, Tensor x, Tensor s, WeightModifier m, Tensor input) =>
        ModifiedPasses.Contribution(layer, x, s, input, m);

    protected static Tensor Positive(Tensor t) => t.AtLeast(0);

    protected static Tensor Negative(Tensor t) => t.AtMost(0);


    /// <summary>
    /// True when no input is negative (every layer behind a ReLU). The sign-split rules then skip their x⁻ terms,
    /// which are exactly zero: half of their convolutions.
    /// </summary>
    protected static bool IsNonNegative(Tensor input)
    {
        using Tensor minimum = input.min();
        return minimum.ItemAs<double>() >= 0;
    }
}
