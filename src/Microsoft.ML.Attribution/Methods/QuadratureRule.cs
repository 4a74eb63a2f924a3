namespace Microsoft.ML.Attribution.Methods;

/// <summary>Points α_k ∈ [0,1] and weights w_k (Σ w_k = 1) for ∫₀¹ g(α) dα ≈ Σ w_k g(α_k).</summary>
public static class QuadratureRule
{
    public static (double[] alphas, double[] weights) Create(Quadrature kind, int steps)
    {
        if (steps < 1) throw new ArgumentOutOfRangeException(nameof(steps), steps, "At least one step is needed.");
        switch (kind)
        {
            case Quadrature.GaussLegendre:
                {
                    var (nodes, weights) = GaussLegendre(steps);
                    return (nodes.Select(x => 0.5 * (x + 1)).ToArray(), weights.Select(w => 0.5 * w).ToArray());
                }
            case Quadrature.RiemannLeft:
                return (Enumerable.Range(0, steps).Select(k => (double)k / steps).ToArray(), Uniform(steps));
            case Quadrature.RiemannRight:
                return (Enumerable.Range(1, steps).Select(k => (double)k / steps).ToArray(), Uniform(steps));
            case Quadrature.RiemannMiddle:
                return (Enumerable.Range(0, steps).Select(k => (k + 0.5) / steps).ToArray(), Uniform(steps));
            case Quadrature.RiemannTrapezoid:
                {
                    if (steps < 2) throw new ArgumentOutOfRangeException(nameof(steps), steps, "The trapezoid rule needs at least 2 points.");
                    double h = 1.0 / (steps - 1);
                    var weights = Enumerable.Repeat(h, steps).ToArray();
                    weights[0] = weights[^1] = h / 2;
                    return (Enumerable.Range(0, steps).Select(k => k * h).ToArray(), weights);
                }
            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown quadrature.");
        }
    }

    private static double[] Uniform(int steps) => Enumerable.Repeat(1.0 / steps, steps).ToArray();

    /// <summary>Nodes and weights on [−1, 1] by Newton iteration on the Legendre polynomial.</summary>
    private static (double[] nodes, double[] weights) GaussLegendre(int n)
    {
        var nodes = new double[n];
        var weights = new double[n];
        for (int i = 0; i < (n + 1) / 2; i++)
        {
            double x = Math.Cos(Math.PI * (i + 0.75) / (n + 0.5));
            double derivative = 0;
            for (int iteration = 0; iteration < 100; iteration++)
            {
                double p0 = 1, p1 = x;
                for (int k = 2; k <= n; k++)
                {
                    double p2 = ((2 * k - 1) * x * p1 - (k - 1) * p0) / k;
                    p0 = p1;
                    p1 = p2;
                }
                double pn = n == 1 ? x : p1, pn1 = n == 1 ? 1 : p0;
                derivative = n * (x * pn - pn1) / (x * x - 1);
                double step = pn / derivative;
                x -= step;
                if (Math.Abs(step) < 1e-15) break;
            }
            nodes[i] = -x;
            nodes[n - 1 - i] = x;
            weights[i] = weights[n - 1 - i] = 2 / ((1 - x * x) * derivative * derivative);
        }
        return (nodes, weights);
    }
}
