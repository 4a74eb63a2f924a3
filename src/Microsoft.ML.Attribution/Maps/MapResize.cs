using TorchSharp;
using Microsoft.ML.Attribution.Tensors;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Microsoft.ML.Attribution.Maps;

/// <summary>Resizes maps [N, C, h, w] to a spatial size, e.g. a layer-resolution CAM to the input resolution.</summary>
public static class MapResize
{
    /// <summary>The maps resized to <paramref name="height"/> × <paramref name="width"/>.</summary>
    public static Tensor Resize(Tensor maps, long height, long width, MapInterpolation mode = MapInterpolation.Bilinear)
    {
        ArgumentNullException.ThrowIfNull(maps);
        if (maps.Dimensions != 4)
            throw new ArgumentException($"Maps to resize must be [N, C, h, w], got [{string.Join(",", maps.shape)}].", nameof(maps));
        if (height <= 0 || width <= 0)
            throw new ArgumentOutOfRangeException(nameof(height), $"The target size {height}×{width} must be positive.");
        // Every mode is the identity at the same size (as cv2.resize and F.interpolate are), so skip the resampling.
        if (maps.shape[2] == height && maps.shape[3] == width) return maps.alias();
        return mode switch
        {
            MapInterpolation.Bilinear => F.interpolate(maps, [height, width], mode: InterpolationMode.Bilinear, align_corners: false),
            MapInterpolation.BilinearAlignCorners => F.interpolate(maps, [height, width], mode: InterpolationMode.Bilinear, align_corners: true),
            MapInterpolation.Nearest => F.interpolate(maps, [height, width], mode: InterpolationMode.Nearest),
            _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, "Unknown interpolation."),
        };
    }

    /// <summary>The maps resized to the spatial size (last two dims) of <paramref name="like"/>.</summary>
    public static Tensor ToSizeOf(Tensor maps, Tensor like, MapInterpolation mode = MapInterpolation.Bilinear)
    {
        ArgumentNullException.ThrowIfNull(like);
        if (like.Dimensions < 2) throw new ArgumentException("The reference tensor needs at least two (spatial) dims.", nameof(like));
        return Resize(maps, like.shape[^2], like.shape[^1], mode);
    }
}
