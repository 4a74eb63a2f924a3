using TorchSharp;
using Microsoft.ML.Attribution.Tensors;
using static TorchSharp.torch;

namespace Microsoft.ML.Attribution.Methods;

/// <summary>
/// ∫₀¹ ∇f(x' + α(x − x')) dα per row by a composite trapezoid on adaptively bisected panels. Each evaluation gives the
/// gradient G(α) and the score f(α); the slope along the path is s(α) = G(α)·(x − x'). A panel [a, b] contributes
/// (b − a)/2·(s(a) + s(b)) to Σ IG while the truth is f(b) − f(a): their difference is the panel's exact share of the
/// completeness error, so refinement goes where the error is (for ReLU networks, where the path crosses kinks).
/// </summary>
internal sealed class AdaptivePathIntegral
{
    /// <summary>Evaluates path points: rows of the batch, α per point → gradients [count, …] and target scores [count].</summary>
    public delegate (Tensor gradients, double[] scores) Evaluate(long[] rows, double[] alphas);

    private sealed class Path(Tensor direction, double rise)
    {
        public readonly Tensor Direction = direction;   // x − x' for this row, [1, …]
        public readonly double Rise = rise;             // f(x) − f(x')
        public readonly List<double> Alphas = [];
        public readonly List<double> Slopes = [];
        public readonly List<double> Scores = [];
        public readonly List<Tensor> Gradients = [];
        public bool Done;

        /// <summary>Σ over panels of |panel error| / |f(x) − f(x')|: bounds the completeness error without letting panels' errors cancel.</summary>
        public double PanelError => PanelErrors().Sum(e => Math.Abs(e)) / Math.Max(Math.Abs(Rise), 1e-12);

        /// <summary>|Σ IG − (f(x) − f(x'))| / |f(x) − f(x')| by the points' own scores: the panels' errors telescope to it.</summary>
        public double CompletenessError => Math.Abs(PanelErrors().Sum()) / Math.Max(Math.Abs(Rise), 1e-12);

        /// <summary>Per panel: its trapezoid of the slope minus the rise of f across it.</summary>
        private IEnumerable<double> PanelErrors()
        {
            for (int i = 0; i + 1 < Alphas.Count; i++)
                yield return (Alphas[i + 1] - Alphas[i]) / 2 * (Slopes[i] + Slopes[i + 1]) - (Scores[i + 1] - Scores[i]);
        }

        public void Insert(double alpha, double slope, double score, Tensor gradient)
        {
            int at = Alphas.BinarySearch(alpha);
            if (at >= 0) throw new InvalidOperationException($"Internal: path point α = {alpha} evaluated twice.");
            at = ~at;
            Alphas.Insert(at, alpha);
            Slopes.Insert(at, slope);
            Scores.Insert(at, score);
            Gradients.Insert(at, gradient);
        }

        /// <summary>Midpoints of the panels holding the largest errors: enough to cover half the total |error|, at most one per panel and <paramref name="budget"/>.</summary>
        public List<double> Refinements(int budget)
        {
            var errors = PanelErrors().Select((e, i) => (error: Math.Abs(e), panel: i)).ToList();
            double total = errors.Sum(e => e.error), covered = 0;
            var midpoints = new List<double>();
            foreach (var (error, panel) in errors.OrderByDescending(e => e.error))
            {
                if (midpoints.Count >= budget || (covered >= total / 2 && midpoints.Count > 0)) break;
                double mid = (Alphas[panel] + Alphas[panel + 1]) / 2;
                if (mid <= Alphas[panel] || mid >= Alphas[panel + 1]) continue; // panel already at float resolution
                midpoints.Add(mid);
                covered += error;
            }
            return midpoints;
        }

        /// <summary>(x − x') ⊙ Σ_k w_k G(α_k) with trapezoid weights.</summary>
        public Tensor Attribution()
        {
            using var scope = NewDisposeScope();
            Tensor sum = zeros_like(Gradients[0]);
            for (int k = 0; k < Alphas.Count; k++)
            {
                double left = k > 0 ? Alphas[k] - Alphas[k - 1] : 0, right = k + 1 < Alphas.Count ? Alphas[k + 1] - Alphas[k] : 0;
                sum.PlusScaledInPlace(Gradients[k], (left + right) / 2);
            }
            return (sum * Direction).MoveToOuterDisposeScope();
        }
    }

    private readonly Evaluate _evaluate;
    private readonly long _chunk;
    private readonly IProgress<double>? _progress;

    public AdaptivePathIntegral(Evaluate evaluate, long chunk, IProgress<double>? progress)
    {
        _evaluate = evaluate;
        _chunk = Math.Max(1, chunk);
        _progress = progress;
    }

    /// <summary>
    /// The attribution [N, …], the panels used and the summed |panel errors| / |f(x) − f(x')| per row. Starts from
    /// <paramref name="initialPanels"/> uniform panels and bisects until every row's error is at most
    /// <paramref name="tolerance"/> or it has <paramref name="maxPanels"/> panels: with <paramref name="strict"/> the summed
    /// panel error (an upper bound of the completeness error that cancellation cannot fool), else the completeness error.
    /// </summary>
    public (Tensor attribution, int[] panels, double[] panelErrors) Integrate(Tensor direction, double[] rises, double tolerance, int initialPanels, int maxPanels,
        bool strict, CancellationToken cancellation)
    {
        long rows = direction.shape[0];
        var paths = new Path[rows];
        try
        {
            for (int r = 0; r < rows; r++) paths[r] = new Path(direction.narrow(0, r, 1).DetachFromDisposeScope(), rises[r]);
            int first = Math.Clamp(initialPanels, 1, maxPanels);
            var pending = Enumerable.Range(0, (int)rows)
                .SelectMany(r => Enumerable.Range(0, first + 1).Select(k => ((long)r, (double)k / first))).ToList();
            long evaluated = 0, worstCase = rows * (maxPanels + 1L);
            while (pending.Count > 0)
            {
                EvaluateAll(paths, pending, ref evaluated, worstCase, cancellation);
                pending = [];
                for (int r = 0; r < rows; r++)
                {
                    Path path = paths[r];
                    int panels = path.Alphas.Count - 1;
                    path.Done = (strict ? path.PanelError : path.CompletenessError) <= tolerance || panels >= maxPanels;
                    if (path.Done) continue;
                    List<double> midpoints = path.Refinements(maxPanels - panels);
                    if (midpoints.Count == 0) path.Done = true;
                    pending.AddRange(midpoints.Select(a => ((long)r, a)));
                }
            }
            _progress?.Report(1);
            using var scope = NewDisposeScope();
            Tensor attribution = cat(paths.Select(p => p.Attribution()).ToList(), 0).MoveToOuterDisposeScope();
            return (attribution, paths.Select(p => p.Alphas.Count - 1).ToArray(), paths.Select(p => p.PanelError).ToArray());
        }
        finally
        {
            foreach (Path? path in paths)
            {
                if (path is null) continue;
                path.Direction.Dispose();
                foreach (Tensor g in path.Gradients) g.Dispose();
            }
        }
    }

    /// <summary>Evaluates (row, α) points in sub-batches that may mix rows, and files each into its row's path.</summary>
    private void EvaluateAll(Path[] paths, List<(long row, double alpha)> points, ref long evaluated, long worstCase, CancellationToken cancellation)
    {
        for (int start = 0; start < points.Count; start += (int)_chunk)
        {
            cancellation.ThrowIfCancellationRequested();
            using var scope = NewDisposeScope();
            var batch = points.Skip(start).Take((int)_chunk).ToArray();
            var (gradients, scores) = _evaluate(batch.Select(p => p.row).ToArray(), batch.Select(p => p.alpha).ToArray());
            for (int k = 0; k < batch.Length; k++)
            {
                Path path = paths[batch[k].row];
                Tensor gradient = gradients.narrow(0, k, 1).clone();
                using Tensor slope = (gradient * path.Direction).sum();
                path.Insert(batch[k].alpha, slope.ItemAs<double>(), scores[k], gradient.DetachFromDisposeScope());
            }
            evaluated += batch.Length;
            _progress?.Report(Math.Min(1, (double)evaluated / worstCase)); // the worst case: every row refined to the cap
        }
    }
}
