using Microsoft.ML.Attribution.Imaging;
using Microsoft.ML.Attribution.Maps;
using TorchSharp;
using Microsoft.ML.Attribution.Tensors;
using Microsoft.ML.Attribution.Transforms;
using static TorchSharp.torch;

namespace Attribution.Cli.Shared;

/// <summary>Turns attribution maps into pictures: channel reduction, scaling for the colormap, overlay on the input image.</summary>
internal static class MapImages
{
    /// <summary>[C, H, W] → [H, W] with the method's conventional reduction (or the one given).</summary>
    public static float[] Reduce(ExplainedRow row, string method, ChannelReduction? reduction = null)
    {
        using DisposeScope scope = NewDisposeScope();
        Tensor map = tensor(row.Map, [1, row.Channels, row.Height, row.Width]);
        return MapReduction.Reduce(map, reduction ?? ChannelReductionDefaults.For(method)).ToArray<float>();
    }

    /// <summary>The picture the map is drawn over: the original image file, or a .npy input scaled to [0, 255] per image.</summary>
    public static Tensor Background(InputItem item)
    {
        if (item.ImagePath is not null)
            return ImageIO.Load(item.ImagePath);
        using DisposeScope scope = NewDisposeScope();
        Tensor chw = tensor(item.Pixels!, [item.Channels, item.Height, item.Width]);
        Tensor rgb = item.Channels == 3 ? chw : chw.narrow(0, 0, 1).expand([3, item.Height, item.Width]);
        Tensor scaled = (rgb - rgb.min()) / (rgb.max() - rgb.min() + 1e-12);
        return (scaled * 255).round().clamp(0, 255).to(ScalarType.Byte).permute(1, 2, 0).contiguous().MoveToOuterDisposeScope();
    }

    /// <summary>Writes the map blended over <paramref name="background"/> (the map is resized to it) as an image file.</summary>
    public static void WriteOverlay(string path, Tensor background, float[] reduced, int height, int width, Colormap colormap = Colormap.Jet)
    {
        using DisposeScope scope = NewDisposeScope();
        float[] scaled = HeatmapTransformer.ScaleForColormap(reduced, colormap);
        Tensor overlay = Heatmap.Overlay(background, tensor(scaled, [height, width]), colormap, alpha: 0.5);
        ImageIO.Save(path, overlay);
    }
}
