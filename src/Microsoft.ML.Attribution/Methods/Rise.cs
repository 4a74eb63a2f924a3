using Microsoft.ML.Attribution.Graph;
using TorchSharp;
using Microsoft.ML.Attribution.Tensors;
using static TorchSharp.torch;

namespace Microsoft.ML.Attribution.Methods;

/// <summary>
/// RISE (Petsiuk et al. 2018): saliency = Σ_i P_t(x ⊙ M_i) · M_i / (N·p) over N random masks. Each mask is an s×s
/// binary grid (cells kept with probability p) upsampled bilinearly to (s+1)·⌈H/s⌉ × (s+1)·⌈W/s⌉ and cropped at a
/// random shift below one cell, as the paper's code does (half-pixel centres, mirrored border). Masks are drawn from a
/// seeded generator up front and built per sub-batch, so the result does not depend on the memory budget.
/// The map is [N, 1, H, W].
/// </summary>
public sealed class Rise : AttributionMethod
{
    public Rise(Network network, RiseOptions? options = null) : base(network)
    {
        Options = options ?? new RiseOptions();
        if (!(Options.Probability > 0 && Options.Probability < 1))
            throw new ArgumentOutOfRangeException(nameof(options), Options.Probability, "Probability (RISE's keep probability p) must lie strictly between 0 and 1.");
        if (Options.Masks is null && Options.MaskCount < 1)
            throw new ArgumentOutOfRangeException(nameof(options), Options.MaskCount, "MaskCount must be at least 1: RISE needs at least one mask.");
        if (Options.GridSize < 1)
            throw new ArgumentOutOfRangeException(nameof(options), Options.GridSize, "GridSize (RISE's grid cells per side) must be at least 1.");
    }

    public RiseOptions Options { get; }

    protected override bool ExplainsOpaqueModules => true;

    public override string Name => "rise";

    /// <summary>All N masks the options generate for an H×W input, [N, 1, H, W] (for inspection and export; the method builds them per batch).</summary>
    public static Tensor GenerateMasks(RiseOptions options, long height, long width, ScalarType dtype = ScalarType.Float32)
    {
        ArgumentNullException.ThrowIfNull(options);
        var (grids, shifts) = DrawGrids(options, height, width);
        using (grids)
        using (shifts)
            return MasksFromGrids(grids, shifts, height, width, dtype);
    }

    /// <summary>
    /// Masks from given grids [N, s, s] (0/1) and shifts [N, 2] (row, column offsets into the upsampled grid, each below
    /// one cell): [N, 1, H, W].
    /// </summary>
    public static Tensor MasksFromGrids(Tensor grids, Tensor shifts, long height, long width, ScalarType dtype = ScalarType.Float32)
    {
        ArgumentNullException.ThrowIfNull(grids);
        ArgumentNullException.ThrowIfNull(shifts);
        if (grids.Dimensions != 3 || grids.shape[1] != grids.shape[2])
            throw new ArgumentException($"Grids must be [N, s, s], got {grids.Describe()}.", nameof(grids));
        long count = grids.shape[0], cells = grids.shape[1];
        if (shifts.Dimensions != 2 || shifts.shape[0] != count || shifts.shape[1] != 2)
            throw new ArgumentException($"Shifts must be [{count}, 2] (row, column), got {shifts.Describe()}.", nameof(shifts));
        using var scope = NewDisposeScope();
        long cellHeight = CeilDiv(height, cells), cellWidth = CeilDiv(width, cells);
        Tensor rowWeights = Interpolation(cells, (cells + 1) * cellHeight, ScalarType.Float64);
        Tensor colWeights = Interpolation(cells, (cells + 1) * cellWidth, ScalarType.Float64);
        Tensor shiftRows = shifts.select(1, 0).to(ScalarType.Int64), shiftCols = shifts.select(1, 1).to(ScalarType.Int64);
        if (shiftRows.LessThan(0).any().ItemAs<bool>() || shiftRows.AtLeastMask(cellHeight).any().ItemAs<bool>()
            || shiftCols.LessThan(0).any().ItemAs<bool>() || shiftCols.AtLeastMask(cellWidth).any().ItemAs<bool>())
            throw new ArgumentException($"Shifts must lie in [0, {cellHeight}) × [0, {cellWidth}) for a {height}×{width} input and a {cells}×{cells} grid.", nameof(shifts));
        // mask_i = A_rows[shift_i + 0..H) · grid_i · A_cols[shift_i + 0..W)ᵀ: separable bilinear upsampling, then the crop.
        Tensor rows = rowWeights.index_select(0, shiftRows.reshape(count, 1).Plus(HeldScalars.Range(height).reshape(1, height)).flatten()).reshape(count, height, cells);
        Tensor cols = colWeights.index_select(0, shiftCols.reshape(count, 1).Plus(HeldScalars.Range(width).reshape(1, width)).flatten()).reshape(count, width, cells);
        Tensor masks = rows.bmm(grids.to(ScalarType.Float64)).bmm(cols.transpose(1, 2));
        return masks.unsqueeze(1).to(dtype).MoveToOuterDisposeScope();
    }

    protected override AttributionMap Compute(Tensor input, Target target, CancellationToken cancellation)
    {
        if (input.Dimensions != 4) throw new ArgumentException($"RISE needs images [N,C,H,W], got {input.Describe()}.", nameof(input));
        long rows = input.shape[0], height = input.shape[2], width = input.shape[3];
        Tensor? given = Options.Masks is { } explicitMasks ? CheckMasks(explicitMasks, height, width) : null;
        Tensor? grids = null, shifts = null;
        if (given is null) (grids, shifts) = DrawGrids(Options, height, width);
        try
        {
            long maskCount = given?.shape[0] ?? grids!.shape[0];
            using Tensor logits = Network.ForwardLogits(input);
            var (targets, scores) = ResolveTargets(logits, target);
            using Tensor targetIndex = tensor(targets);

            long batch = ForwardSubBatchRows(Options.MemoryBudgetMb, input.dtype);
            using Tensor saliency = zeros([rows, height * width], ScalarType.Float64);
            long done = 0, total = maskCount * rows;
            for (long start = 0; start < maskCount; start += batch)
            {
                long count = Math.Min(batch, maskCount - start);
                using DisposeScope scope = NewDisposeScope();
                Tensor masks = given is not null
                    ? given.narrow(0, start, count).to(input.dtype)
                    : MasksFromGrids(grids!.narrow(0, start, count), shifts!.narrow(0, start, count), height, width, input.dtype);
                Tensor flatMasks = masks.reshape(count, height * width).to(ScalarType.Float64);
                for (long n = 0; n < rows; n++)
                {
                    cancellation.ThrowIfCancellationRequested();
                    Tensor masked = input.narrow(0, n, 1) * masks;
                    Tensor rowTargets = targetIndex.narrow(0, n, 1).expand(count);
                    Tensor weights = PerturbationScores.Of(Network, masked, rowTargets, Options.Score).to(ScalarType.Float64);
                    saliency.narrow(0, n, 1).PlusInPlace(CheckedMatMul.Of(weights.reshape(1, count), flatMasks));
                    done += count;
                    Progress?.Report((double)done / total);
                }
            }
            using Tensor normalized = saliency.DividedBy(maskCount * Options.Probability);
            using Tensor map = normalized.reshape(rows, 1, height, width);
            return new AttributionMap(Name, map.to(input.dtype), targets, scores);
        }
        finally
        {
            given?.Dispose();
            grids?.Dispose();
            shifts?.Dispose();
        }
    }

    /// <summary>The random part of the masks: N grids (1 with probability p) and N (row, column) shifts below one cell.</summary>
    private static (Tensor grids, Tensor shifts) DrawGrids(RiseOptions options, long height, long width)
    {
        using var scope = NewDisposeScope();
        using var generator = RandomGenerators.FromSeed(options.Seed);
        long count = options.MaskCount, cells = options.GridSize;
        Tensor grids = rand([count, cells, cells], ScalarType.Float64, generator: generator).LessThan(options.Probability).to(ScalarType.Float64);
        Tensor shiftRows = randint(0, CeilDiv(height, cells), [count, 1], generator: generator);
        Tensor shiftCols = randint(0, CeilDiv(width, cells), [count, 1], generator: generator);
        Tensor shifts = cat([shiftRows, shiftCols], 1);
        return (grids.MoveToOuterDisposeScope(), shifts.MoveToOuterDisposeScope());
    }

    private static Tensor CheckMasks(Tensor masks, long height, long width)
    {
        bool shaped = masks.Dimensions == 4 && masks.shape[1] == 1 || masks.Dimensions == 3;
        if (!shaped || masks.shape[^2] != height || masks.shape[^1] != width || masks.shape[0] == 0)
            throw new ArgumentException($"RISE masks must be [M, 1, {height}, {width}] or [M, {height}, {width}], got {masks.Describe()}.", nameof(masks));
        return masks.reshape(masks.shape[0], 1, height, width);
    }

    /// <summary>
    /// [size, cells] weights of linear interpolation from <paramref name="cells"/> samples to <paramref name="size"/>
    /// with half-pixel centres and a mirrored border (… c b | a b c | b a …), as skimage's resize(order=1, mode='reflect').
    /// </summary>
    private static Tensor Interpolation(long cells, long size, ScalarType dtype)
    {
        var weights = new double[size * cells];
        for (long i = 0; i < size; i++)
        {
            double source = (i + 0.5) * cells / size - 0.5;
            long below = (long)Math.Floor(source);
            double fraction = source - below;
            weights[i * cells + Mirror(below, cells)] += 1 - fraction;
            weights[i * cells + Mirror(below + 1, cells)] += fraction;
        }
        return tensor(weights, [size, cells], dtype);
    }

    private static long Mirror(long index, long count)
    {
        if (count == 1) return 0;
        long period = 2 * (count - 1);
        long folded = Math.Abs(index) % period;
        return folded < count ? folded : period - folded;
    }

    private static long CeilDiv(long a, long b) => (a + b - 1) / b;
}
