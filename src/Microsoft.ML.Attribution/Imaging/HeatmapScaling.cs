namespace Microsoft.ML.Attribution.Transforms;

/// <summary>How <see cref="HeatmapTransformer"/> brings a map into the colormap's range (methods.md §0.6 names).</summary>
public enum HeatmapScaling
{
    /// <summary>norm_minmax: (S − min) / (max − min), to [0, 1].</summary>
    MinMax,

    /// <summary>norm_max of the positive part: max(S, 0) / max(S), to [0, 1]; negative evidence is not shown.</summary>
    PositiveMax,

    /// <summary>norm_maxabs: S / max|S|, to [−1, 1] (for <c>Colormap.BlueWhiteRed</c>; other colormaps show it shifted to [0, 1]).</summary>
    MaxAbs,
}
