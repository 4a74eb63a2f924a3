using Microsoft.ML.Attribution.Tensors;
using static TorchSharp.torch;

namespace Microsoft.ML.Attribution.Maps;

/// <summary>Reduces attribution maps over channels.</summary>
public static class MapReduction
{
    /// <summary>[N, C, H, W] → [N, H, W].</summary>
    public static Tensor Reduce(Tensor map, ChannelReduction reduction)
    {
        if (map.Dimensions != 4) throw new ArgumentException($"Expected a map [N, C, H, W], got {map.Describe()}.", nameof(map));
        using var scope = NewDisposeScope();
        Tensor result = reduction switch
        {
            ChannelReduction.Sum => map.sum(1),
            ChannelReduction.AbsSum => map.abs().sum(1),
            ChannelReduction.MaxAbs => map.abs().amax(1),
            ChannelReduction.Mean => map.mean([1]),
            ChannelReduction.PositiveSum => map.sum(1).AtLeast(0),
            ChannelReduction.L2 => map.norm(1),
            _ => throw new ArgumentOutOfRangeException(nameof(reduction), reduction, "Unknown channel reduction."),
        };
        return result.MoveToOuterDisposeScope();
    }
}
