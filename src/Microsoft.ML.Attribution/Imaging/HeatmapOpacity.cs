namespace Microsoft.ML.Attribution.Imaging;

/// <summary>How much of the colored map covers the image in an overlay.</summary>
public enum HeatmapOpacity
{
    /// <summary>
    /// Grows with the map's magnitude: the image shows unchanged where the map is near zero (below
    /// <see cref="HeatmapStyle.TransparentBelow"/> of the limit) and is covered up to <see cref="HeatmapStyle.Alpha"/> at the limit.
    /// </summary>
    ByValue = 0,

    /// <summary>The same <see cref="HeatmapStyle.Alpha"/> everywhere: the whole image is tinted by the colormap.</summary>
    Constant = 1,
}
