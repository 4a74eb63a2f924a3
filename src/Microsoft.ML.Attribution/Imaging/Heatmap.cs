using Microsoft.ML.Attribution.Torch;
using Microsoft.ML.Attribution.Torch.Native;
using static Microsoft.ML.Attribution.Torch.torch;

namespace Microsoft.ML.Attribution.Imaging;

/// <summary>
/// Renders an attribution map that is already normalized — to [0,1], or to [−1,1] for
/// <see cref="Colormap.BlueWhiteRed"/> — as a uint8 RGB image, alone or blended over the input image.
/// Values outside the range are clamped; NaN or infinite values are an error.
/// </summary>
public static class Heatmap
{
    /// <summary>float [H,W] map → uint8 [H,W,3] RGB.</summary>
    public static Tensor Render(Tensor map, Colormap colormap = Colormap.Jet)
    {
        ImageArguments.RequireMap(map, nameof(map), "Heatmap.Render");
        if (!Enum.IsDefined(colormap)) throw new ArgumentOutOfRangeException(nameof(colormap), colormap, "Unknown colormap.");
        RequireFinite(map);
        return NativeResult.Wrap(NativeMethods.MLAImage_colormap(map.Handle, (int)colormap), $"colormap {colormap}", map);
    }

    /// <summary>
    /// Colors <paramref name="map"/> and blends it over <paramref name="image"/> (uint8 [H,W,3] RGB):
    /// <c>round((1 − alpha) · image + alpha · colored)</c>. A map of another size is first resized to the image's size
    /// with bilinear interpolation.
    /// </summary>
    public static Tensor Overlay(Tensor image, Tensor map, Colormap colormap = Colormap.Jet, double alpha = 0.5)
    {
        ImageArguments.RequireRgb(image, nameof(image), "Heatmap.Overlay");
        ImageArguments.RequireMap(map, nameof(map), "Heatmap.Overlay");
        if (!(alpha >= 0 && alpha <= 1)) throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "alpha must be in [0, 1].");
        using DisposeScope scope = NewDisposeScope();
        int height = (int)image.shape[0], width = (int)image.shape[1];
        Tensor fitted = map.shape[0] == height && map.shape[1] == width
            ? map
            : ImageResize.Resize(map.to(ScalarType.Float32), height, width, ImageInterpolation.Bilinear);
        Tensor colored = Render(fitted, colormap);
        Tensor blended = image.to(ScalarType.Float32) * (1 - alpha) + colored.to(ScalarType.Float32) * alpha;
        return blended.round().clamp(0, 255).to(ScalarType.Byte).MoveToOuterDisposeScope();
    }

    private static void RequireFinite(Tensor map)
    {
        using Tensor finite = map.isfinite();
        using Tensor all = finite.all();
        if (!all.item<bool>()) throw new ArgumentException($"The map {map.Describe()} holds NaN or infinite values; normalize it first.", nameof(map));
    }
}
