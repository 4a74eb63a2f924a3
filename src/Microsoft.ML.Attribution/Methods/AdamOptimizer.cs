using static Microsoft.ML.Attribution.Torch.torch;

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

    /// <summary>One update with these gradients (null = no gradient reached that parameter: treated as zero).</summary>
    public void Step(IReadOnlyList<Tensor?> gradients)
    {
        using IDisposable noGrad = no_grad();
        using var scope = NewDisposeScope();
        _step++;
        double firstCorrection = 1 - Math.Pow(_beta1, _step), secondCorrection = 1 - Math.Pow(_beta2, _step);
        for (int i = 0; i < _parameters.Count; i++)
        {
            Tensor g = gradients[i] ?? zeros_like(_parameters[i]);
            _first[i].mul_(_beta1).add_(g, 1 - _beta1);
            _second[i].mul_(_beta2).add_(g.square(), 1 - _beta2);
            Tensor denominator = (_second[i] / secondCorrection).sqrt() + _epsilon;
            _parameters[i].sub_(_first[i] / denominator, _learningRate / firstCorrection);
        }
    }

    public void Dispose()
    {
        foreach (Tensor t in _first.Concat(_second)) t.Dispose();
    }
}
