using Microsoft.ML.Attribution.Graph;
using TorchSharp;
using static TorchSharp.torch;
using Microsoft.ML.Attribution.Tensors;

namespace Microsoft.ML.Attribution.Methods;

/// <summary>
/// How many rows the methods put in one pass of their expanded work (IG steps, noise samples, Score-CAM's and RISE's
/// masked copies, occluded windows) under <see cref="MethodOptions.MemoryBudgetMb"/> — public so a caller can see what
/// a budget buys before running, and so benchmarks can give the peers' code the same batches.
/// </summary>
public static class SubBatchSizes
{
    /// <summary>The most rows <see cref="ForForwards"/> gives.</summary>
    public const long MaxForwardRows = 32;

    /// <summary>
    /// Rows per recorded pass (a forward whose every layer value is kept, then a backward): a row costs every layer's
    /// output about three times over (recorded values, relevance, temporaries).
    /// </summary>
    public static long ForRecordedPasses(Network network, long memoryBudgetMegabytes, ScalarType dtype)
    {
        ArgumentNullException.ThrowIfNull(network);
        long perSample = network.Layers.Sum(l => Elements(l.OutputShape)) + InputElements(network);
        return Math.Max(1, memoryBudgetMegabytes * 1024 * 1024 / Math.Max(1, perSample * BytesOf(dtype) * 3));
    }

    /// <summary>
    /// Rows per unrecorded forward (RISE's masked copies): such a forward holds only a few layer outputs at once, so a
    /// row costs about three of the largest one, not every layer's. Capped at <see cref="MaxForwardRows"/>, past which
    /// larger batches stopped paying (ResNet50 RISE, 500 masks: 4 rows 33 s, 15 rows 21 s, 47 rows 18.6 s).
    /// </summary>
    public static long ForForwards(Network network, long memoryBudgetMegabytes, ScalarType dtype)
    {
        ArgumentNullException.ThrowIfNull(network);
        long largest = network.Layers.Max(l => Elements(l.OutputShape));
        long bytes = (3 * largest + InputElements(network)) * BytesOf(dtype);
        return Math.Clamp(memoryBudgetMegabytes * 1024 * 1024 / Math.Max(1, bytes), 1, MaxForwardRows);
    }

    private static long Elements(IEnumerable<long> shape) => shape.Aggregate(1L, (a, b) => a * b);

    // Symbolic (≤ 0) input dimensions count as one.
    private static long InputElements(Network network) => network.Inputs[0].Shape.Aggregate(1L, (a, b) => a * Math.Max(b, 1));

    private static long BytesOf(ScalarType dtype) => dtype == ScalarType.Float64 ? 8 : 4;
}
