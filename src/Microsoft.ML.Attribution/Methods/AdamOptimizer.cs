using Microsoft.ML.Attribution.Tensors;
using static TorchSharp.torch;

namespace Microsoft.ML.Attribution.Methods;

/// <summary>
/// Adam (Kingma &amp; Ba 2015) on our tensors, element-wise, so rows of a batched parameter stay independent:
/// m ← β₁m + (1−β₁)g, v ← β₂v + (1−β₂)g², θ ← θ − lr·m̂ / (√v̂ + ε) with m̂ = m/(1−β₁ᵗ), v̂ = v/(1−β₂ᵗ).
/// Updates the parameters in place (under no_grad); owns its moment buffers.
/// </summary>
internal sealed class AdamOptimizer : IDisposable
{
    private readonly IReadOnlyList<Tensor> _parameters;
    private readonly Tensor[] _first;
    private readonly Tensor[] _second;
    private readonly double _learningRate, _beta1, _beta2, _epsilon;
    private int _step;

    public AdamOptimizer(IReadOnlyList<Tensor> parameters, double learningRate, double beta1, double beta2, double epsilon)
    {
        _parameters = parameters;
        _learningRate = learningRate;
        _beta1 = beta1;
        _beta2 = beta2;
        _epsilon = epsilon;
        _first = parameters.Select(p => zeros_like(p).DetachFromDisposeScope()).ToArray();
        _second = parameters.Select(p => zeros_like(p).DetachFromDisposeScope()).ToArray();
    }

    /// <summary>
    /// One update with these gradients (null = no gradient reached that parameter: treated as zero). <paramref name="activeRows"/>
    /// (bool, one per row of dimension 0) leaves the other rows untouched, moments included.
    /// </summary>
    public void Step(IReadOnlyList<Tensor?> gradients, Tensor? activeRows = null)
    {
        using IDisposable noGrad = no_grad();
        using var scope = NewDisposeScope();
        _step++;
        double firstCorrection = 1 - Math.Pow(_beta1, _step), secondCorrection = 1 - Math.Pow(_beta2, _step);
        for (int i = 0; i < _parameters.Count; i++)
        {
            Tensor g = gradients[i] ?? zeros_like(_parameters[i]);
            Tensor first = _first[i].Times(_beta1).Plus(g.Times(1 - _beta1));
            Tensor second = _second[i].Times(_beta2).Plus(g.Squared().Times(1 - _beta2));
            Tensor denominator = second.DividedBy(secondCorrection).sqrt().Plus(_epsilon);
            Tensor parameter = _parameters[i] - (first / denominator).Times(_learningRate / firstCorrection);
            if (activeRows is not null)
            {
                // Frozen rows keep their parameters and moments, so each row's trajectory is its own.
                Tensor keep = activeRows.reshape([-1, .. Enumerable.Repeat(1L, (int)parameter.Dimensions - 1)]);
                first = where(keep, first, _first[i]);
                second = where(keep, second, _second[i]);
                parameter = where(keep, parameter, _parameters[i]);
            }
            _first[i].copy_(first);
            _second[i].copy_(second);
            _parameters[i].copy_(parameter);
        }
    }

    public void Dispose()
    {
        foreach (Tensor t in _first.Concat(_second)) t.Dispose();
    }
}
