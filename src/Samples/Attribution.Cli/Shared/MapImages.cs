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
        Tensor scaled = (rgb - rgb.min()) / (rgb.max() - rgb.min()).Plus(1e-12);
        return scaled.Times(255.0).round().ClampedTo(0.0, 255.0).to(ScalarType.Byte).permute(1, 2, 0).contiguous().MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Writes the map blended over <paramref name="background"/> (the map is resized to it) to <paramref name="overlayPath"/>, and the map
    /// alone at its own resolution to <paramref name="mapPath"/> when given, both drawn as <paramref name="style"/> says (the library's
    /// defaults when null). Returns the scaled map: its colormap and the values its ends stand for label a colour bar.
    /// </summary>
    public static ScaledMap WriteOverlay(string overlayPath, Tensor background, float[] reduced, int height, int width,
        string? mapPath = null, HeatmapStyle? style = null)
    {
        style ??= new HeatmapStyle();
        ScaledMap scaled = style.Scale(reduced);
        using DisposeScope scope = NewDisposeScope();
        ImageIO.Save(overlayPath, Heatmap.Overlay(background, scaled, height, width, style));
        if (mapPath is not null)
            ImageIO.Save(mapPath, Heatmap.Render(tensor(scaled.Values, [height, width]), scaled.Colormap));
        return scaled;
    }

    /// <summary>Writes <paramref name="colormap"/>'s colour bar (256 × 12, low end left) into <paramref name="folder"/> once; returns its file name.</summary>
    public static string WriteColorBar(string folder, Colormap colormap)
    {
        string file = $"colorbar-{colormap.ToString().ToLowerInvariant()}.png";
        string path = Path.Combine(folder, file);
        if (!File.Exists(path))
        {
            using Tensor bar = Heatmap.ColorBar(colormap);
            ImageIO.Save(path, bar);
        }
        return file;
    }

    /// <summary>Writes the pictures (uint8 [H,W,3], all one height) side by side with 6 white pixels between them; disposes them.</summary>
    public static void WriteRow(string path, IReadOnlyList<Tensor> pictures)
    {
        try
        {
            long height = pictures[0].shape[0];
            if (pictures.Any(p => p.shape[0] != height))
                throw new ArgumentException($"a row of pictures needs one height; got {string.Join(", ", pictures.Select(p => p.shape[0]))}.");
            using DisposeScope scope = NewDisposeScope();
            Tensor gap = HeldScalars.Filled([height, 6, 3], 255L, ScalarType.Byte);
            var parts = new List<Tensor>();
            foreach (Tensor picture in pictures)
            {
                if (parts.Count > 0) parts.Add(gap);
                parts.Add(picture);
            }
            ImageIO.Save(path, cat(parts, 1));
        }
        finally
        {
            foreach (Tensor picture in pictures) picture.Dispose();
        }
    }
}
