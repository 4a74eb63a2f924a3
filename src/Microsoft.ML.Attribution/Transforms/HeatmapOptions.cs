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

    public Colormap Colormap { get; set; } = Colormap.Jet;

    /// <summary>Null: <see cref="HeatmapScaling.MaxAbs"/> for <see cref="Colormap.BlueWhiteRed"/>, otherwise <see cref="HeatmapScaling.MinMax"/>.</summary>
    public HeatmapScaling? Scaling { get; set; }

    /// <summary>The map's weight when blended over the image (0–1).</summary>
    public double Alpha { get; set; } = 0.5;

    internal HeatmapOptions Copy() => (HeatmapOptions)MemberwiseClone();
}
