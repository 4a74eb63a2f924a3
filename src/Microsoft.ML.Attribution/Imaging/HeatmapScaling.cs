namespace Microsoft.ML.Attribution.Imaging;

/// <summary>How a map is brought into its colormap's range (methods.md §0.6 names the first three).</summary>
public enum HeatmapScaling
{
    /// <summary>norm_minmax: (S − min) / (max − min), to [0, 1].</summary>
    MinMax = 0,

    /// <summary>norm_max of the positive part: max(S, 0) / max(S), to [0, 1]; negative evidence is not shown.</summary>
    PositiveMax = 1,

    /// <summary>norm_maxabs: S / max|S|, to [−1, 1] (for <c>Colormap.BlueWhiteRed</c>; other colormaps show it shifted to [0, 1]).</summary>
    MaxAbs = 2,

    /// <summary>
    /// Robust and zero-anchored (what Captum's <c>visualize_image_attr</c> does with its outlier percentage): the limit is the
    /// <see cref="HeatmapStyle.ClipPercentile"/>-th percentile of |S|; a signed map goes to [−1, 1] symmetric about zero, an
    /// unsigned one to [0, 1]; values beyond the limit are clipped, so a few outliers do not wash the rest out.
    /// </summary>
    Percentile = 3,
}
