using Microsoft.ML.Attribution.Imaging;

namespace Microsoft.ML.Attribution.Transforms;

/// <summary>What <see cref="HeatmapEstimator"/> draws and where it writes it.</summary>
public sealed class HeatmapOptions
{
    /// <summary>The appended text column with each written file's path. Output + "Error" is appended too.</summary>
    public string OutputColumnName { get; set; } = "";

    /// <summary>A reduced map column, Vector&lt;Single, H, W&gt; (what <c>Explain</c> appends).</summary>
    public string MapColumnName { get; set; } = "";

    /// <summary>An image column to blend the map over (the map is resized to the image); null renders the map alone.</summary>
    public string? ImageColumnName { get; set; }

    /// <summary>A text column whose value names each file (its file name without extension is used, so a path column works); null names files by row position.</summary>
    public string? NameColumnName { get; set; }

    /// <summary>The folder files are written to (created if needed).</summary>
    public string OutputFolder { get; set; } = "";

    /// <summary>Appended to each file's name before the extension, e.g. ".gradient".</summary>
    public string FileSuffix { get; set; } = "";

    /// <summary>The image format's extension: "png", "jpg", "bmp" …</summary>
    public string Format { get; set; } = "png";

    /// <summary>Signed (blue–white–red about zero) or unsigned (sequential from zero); Auto looks for a negative value.</summary>
    public HeatmapSign Sign { get; set; } = HeatmapSign.Auto;

    /// <summary>Null: <see cref="Colormap.BlueWhiteRed"/> for a signed map, <see cref="Colormap.Jet"/> for an unsigned one.</summary>
    public Colormap? Colormap { get; set; }

    /// <summary>How the map is brought into the colormap's range: by default zero-anchored, clipped at <see cref="ClipPercentile"/>.</summary>
    public HeatmapScaling Scaling { get; set; } = HeatmapScaling.Percentile;

    /// <summary>The percentile of |map| taken as the colormap's limit (50–100) with <see cref="HeatmapScaling.Percentile"/>.</summary>
    public double ClipPercentile { get; set; } = 99;

    /// <summary>By value (the image shows unchanged where the map is near zero) or constant.</summary>
    public HeatmapOpacity Opacity { get; set; } = HeatmapOpacity.ByValue;

    /// <summary>The map's weight over the image (0–1): at its limit, or everywhere with a constant opacity.</summary>
    public double Alpha { get; set; } = 0.7;

    /// <summary>The fraction of the limit below which the map is transparent, with an opacity by value (0–1).</summary>
    public double TransparentBelow { get; set; } = 0.05;

    /// <summary>The drawing settings as a <see cref="HeatmapStyle"/> (a method, so that saving the options does not write them twice).</summary>
    public HeatmapStyle ToStyle() => new()
    {
        Sign = Sign,
        Colormap = Colormap,
        Scaling = Scaling,
        ClipPercentile = ClipPercentile,
        Opacity = Opacity,
        Alpha = Alpha,
        TransparentBelow = TransparentBelow,
    };

    internal HeatmapOptions Copy() => (HeatmapOptions)MemberwiseClone();
}
