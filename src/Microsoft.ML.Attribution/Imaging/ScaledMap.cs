namespace Microsoft.ML.Attribution.Imaging;

/// <summary>
/// A map brought into its colormap's range by <see cref="HeatmapStyle.Scale"/>: <see cref="Values"/> in [0, 1], or in [−1, 1] for
/// <see cref="Colormap.BlueWhiteRed"/>, and the map's own values the colormap's two ends stand for (what a colour bar is labelled with).
/// </summary>
public sealed record ScaledMap(float[] Values, Colormap Colormap, bool Signed, float Low, float High);
