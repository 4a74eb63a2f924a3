using TorchSharp;
using Microsoft.ML.Attribution.Tensors;
using static TorchSharp.torch;

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
        int height = (int)map.shape[0], width = (int)map.shape[1];
        double[] values;
        using (DisposeScope scope = NewDisposeScope())
            values = map.to(ScalarType.Float64).contiguous().ToArray<double>();
        var rgb = new byte[values.Length * 3];
        for (int i = 0; i < values.Length; i++)
            Color(colormap, values[i], rgb.AsSpan(3 * i, 3));
        return tensor(rgb, [height, width, 3]);
    }

    /// <summary>Writes the color of one value (clamped to the colormap's range) into <paramref name="rgb"/>.</summary>
    private static void Color(Colormap colormap, double value, Span<byte> rgb)
    {
        if (colormap == Colormap.BlueWhiteRed)
        {
            double v = Math.Clamp(value, -1, 1);
            // Towards blue below zero, towards red above: the other channels fade linearly from white.
            byte fade = (byte)Math.Round(255 * (1 - Math.Abs(v)), MidpointRounding.AwayFromZero);
            (rgb[0], rgb[1], rgb[2]) = v < 0 ? (fade, fade, (byte)255) : ((byte)255, fade, fade);
            return;
        }
        int index = (int)Math.Round(Math.Clamp(value, 0, 1) * 255, MidpointRounding.AwayFromZero);
        if (colormap == Colormap.Jet)
        {
            // MATLAB's jet: each channel a clipped tent of height 1.5, centred at 3/4 (red), 1/2 (green) and 1/4 (blue).
            double t = index / 255.0;
            static byte Tent(double x) => (byte)Math.Round(255 * Math.Clamp(1.5 - Math.Abs(x), 0, 1), MidpointRounding.AwayFromZero);
            (rgb[0], rgb[1], rgb[2]) = (Tent(4 * t - 3), Tent(4 * t - 2), Tent(4 * t - 1));
            return;
        }
        byte[] table = colormap switch
        {
            Colormap.Turbo => ColormapTables.Turbo,
            Colormap.Viridis => ColormapTables.Viridis,
            _ => ColormapTables.Inferno,
        };
        table.AsSpan(3 * index, 3).CopyTo(rgb);
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
        Tensor colored = Render(FitTo(image, map), colormap);
        Tensor blended = image.to(ScalarType.Float32).Times(1 - alpha).Plus(colored.to(ScalarType.Float32).Times(alpha));
        return blended.round().ClampedTo(0.0, 255.0).to(ScalarType.Byte).MoveToOuterDisposeScope();
    }

    /// <summary>The map at the image's size (bilinear; as it is when the sizes agree).</summary>
    private static Tensor FitTo(Tensor image, Tensor map) =>
        map.shape[0] == image.shape[0] && map.shape[1] == image.shape[1]
            ? map
            : ImageResize.Resize(map.to(ScalarType.Float32), (int)image.shape[0], (int)image.shape[1], ImageInterpolation.Bilinear);

    /// <summary>
    /// Blends a scaled map (<see cref="HeatmapStyle.Scale"/>, [<paramref name="height"/>, <paramref name="width"/>]) over
    /// <paramref name="image"/> (uint8 [H,W,3] RGB) as <paramref name="style"/> says: with <see cref="HeatmapOpacity.ByValue"/> each
    /// pixel's weight is <c>Alpha · clamp((m − t) / (1 − t), 0, 1)</c> for the magnitude m in [0, 1] (|value| for a signed map) and
    /// t = <see cref="HeatmapStyle.TransparentBelow"/>, so below t the image is unchanged. The map is resized to the image first.
    /// </summary>
    public static Tensor Overlay(Tensor image, ScaledMap map, int height, int width, HeatmapStyle style)
    {
        ArgumentNullException.ThrowIfNull(map);
        ArgumentNullException.ThrowIfNull(style);
        style.Validate();
        ImageArguments.RequireRgb(image, nameof(image), "Heatmap.Overlay");
        ImageArguments.RequireSize(height, width, "Heatmap.Overlay");
        if (map.Values.Length != (long)height * width)
            throw new ArgumentException($"Heatmap.Overlay: the map holds {map.Values.Length} values, not {height}×{width}.", nameof(map));
        if (style.Opacity == HeatmapOpacity.Constant)
        {
            using Tensor values = tensor(map.Values, [height, width]);
            return Overlay(image, values, map.Colormap, style.Alpha);
        }
        using DisposeScope scope = NewDisposeScope();
        Tensor fitted = FitTo(image, tensor(map.Values, [height, width]));
        Tensor colored = Render(fitted, map.Colormap).to(ScalarType.Float32);
        Tensor magnitude = !map.Signed ? fitted.ClampedTo(0.0, 1.0)
            : map.Colormap == Colormap.BlueWhiteRed ? fitted.abs().ClampedTo(0.0, 1.0)
            : fitted.Times(2.0).Minus(1.0).abs().ClampedTo(0.0, 1.0);
        double t = style.TransparentBelow;
        Tensor weight = magnitude.Minus(t).DividedBy(1 - t).ClampedTo(0.0, 1.0).Times(style.Alpha).unsqueeze(2);
        Tensor blended = image.to(ScalarType.Float32).mul(weight.SubtractedFrom(1.0)).Plus(colored * weight);
        return blended.round().ClampedTo(0.0, 255.0).to(ScalarType.Byte).MoveToOuterDisposeScope();
    }

    /// <summary>A horizontal colour bar of <paramref name="colormap"/> from its low end (left) to its high end, uint8 [H,W,3].</summary>
    public static Tensor ColorBar(Colormap colormap, int width = 256, int height = 12)
    {
        ImageArguments.RequireSize(height, width, "Heatmap.ColorBar");
        using DisposeScope scope = NewDisposeScope();
        Tensor ramp = colormap == Colormap.BlueWhiteRed ? linspace(-1, 1, width, ScalarType.Float32) : linspace(0, 1, width, ScalarType.Float32);
        return Render(ramp.unsqueeze(0).expand([height, width]).contiguous(), colormap).MoveToOuterDisposeScope();
    }

    private static void RequireFinite(Tensor map)
    {
        using Tensor finite = map.isfinite();
        using Tensor all = finite.all();
        if (!all.ItemAs<bool>()) throw new ArgumentException($"The map {map.Describe()} holds NaN or infinite values; normalize it first.", nameof(map));
    }
}
