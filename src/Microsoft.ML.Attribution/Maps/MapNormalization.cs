using Microsoft.ML.Attribution.Tensors;
using static TorchSharp.torch;

namespace Microsoft.ML.Attribution.Maps;

/// <summary>
/// Rescalings of maps with statistics taken per image or per channel: the reduced dims are all dims from
/// <c>firstReducedDim</c> on (1 = per image of a batch [N, …], 2 = per channel of [N, C, …]).
/// </summary>
public static class MapNormalization
{
    /// <summary>pytorch-grad-cam's guard in its per-image scaling.</summary>
    public const double DefaultEpsilon = 1e-7;

    /// <summary>
    /// (x − min) / (max(x − min) + ε): values in [0, 1), the constant map goes to 0. With ε = 1e-7 this is
    /// pytorch-grad-cam's per-image scaling; Score-CAM uses ε = 1e-8 on its masks.
    /// </summary>
    public static Tensor MinMax(Tensor maps, int firstReducedDim = 1, double epsilon = DefaultEpsilon)
    {
        ArgumentNullException.ThrowIfNull(maps);
        long[] dims = ReducedDims(maps, firstReducedDim);
        using Tensor min = maps.amin(dims, keepdim: true);
        using Tensor shifted = maps - min;
        using Tensor range = shifted.amax(dims, keepdim: true);
        using Tensor denominator = range.Plus(epsilon);
        return shifted / denominator;
    }

    /// <summary>x / (max |x| + ε): values in [−1, 1] with their signs kept (for signed maps).</summary>
    public static Tensor MaxAbs(Tensor maps, int firstReducedDim = 1, double epsilon = DefaultEpsilon)
    {
        ArgumentNullException.ThrowIfNull(maps);
        long[] dims = ReducedDims(maps, firstReducedDim);
        using Tensor magnitude = maps.abs();
        using Tensor max = magnitude.amax(dims, keepdim: true);
        using Tensor denominator = max.Plus(epsilon);
        return maps / denominator;
    }

    private static long[] ReducedDims(Tensor maps, int firstReducedDim)
    {
        if (firstReducedDim < 0 || firstReducedDim >= maps.Dimensions)
            throw new ArgumentOutOfRangeException(nameof(firstReducedDim), firstReducedDim,
                $"The first reduced dim must lie within the map's {maps.Dimensions} dims.");
        return Enumerable.Range(firstReducedDim, (int)maps.Dimensions - firstReducedDim).Select(d => (long)d).ToArray();
    }
}
