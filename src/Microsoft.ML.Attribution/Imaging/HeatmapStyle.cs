namespace Microsoft.ML.Attribution.Imaging;

/// <summary>
/// How an attribution map becomes a picture people can read. The defaults follow what Captum's <c>visualize_image_attr</c> and
/// Zennit's <c>imgify</c> users expect: a signed map (Gradient × Input, LRP, DMBP) in blue–white–red centred on zero with symmetric
/// limits, an unsigned one (Grad-CAM, RISE, |gradient|) in a sequential colormap from zero; the limits clipped at a percentile so a
/// few outliers do not wash the rest out; and in an overlay, an opacity that grows with the value, so the image keeps its own
/// colours where the map is near zero instead of being tinted all over.
/// </summary>
public sealed record HeatmapStyle
{
    /// <summary>Signed or unsigned; Auto looks for a negative value.</summary>
    public HeatmapSign Sign { get; init; } = HeatmapSign.Auto;

    /// <summary>How the map is brought into the colormap's range.</summary>
    public HeatmapScaling Scaling { get; init; } = HeatmapScaling.Percentile;

    /// <summary>For <see cref="HeatmapScaling.Percentile"/>: the percentile of |map| taken as the limit (50–100; 100 is the maximum).</summary>
    public double ClipPercentile { get; init; } = 99;

    /// <summary>Null: <see cref="Colormap.BlueWhiteRed"/> for a signed map, <see cref="Colormap.Jet"/> for an unsigned one.</summary>
    public Colormap? Colormap { get; init; }

    public HeatmapOpacity Opacity { get; init; } = HeatmapOpacity.ByValue;

    /// <summary>The map's weight over the image: everywhere (<see cref="HeatmapOpacity.Constant"/>) or where it reaches its limit.</summary>
    public double Alpha { get; init; } = 0.7;

    /// <summary>For <see cref="HeatmapOpacity.ByValue"/>: the fraction of the limit below which the map is fully transparent (0–1).</summary>
    public double TransparentBelow { get; init; } = 0.05;

    /// <summary>Throws naming the first setting out of range.</summary>
    public void Validate()
    {
        if (!Enum.IsDefined(Sign)) throw new ArgumentOutOfRangeException(nameof(Sign), Sign, "Unknown heatmap sign.");
        if (!Enum.IsDefined(Scaling)) throw new ArgumentOutOfRangeException(nameof(Scaling), Scaling, "Unknown heatmap scaling.");
        if (Colormap is { } map && !Enum.IsDefined(map)) throw new ArgumentOutOfRangeException(nameof(Colormap), map, "Unknown colormap.");
        if (!Enum.IsDefined(Opacity)) throw new ArgumentOutOfRangeException(nameof(Opacity), Opacity, "Unknown heatmap opacity.");
        if (!(ClipPercentile >= 50 && ClipPercentile <= 100))
            throw new ArgumentOutOfRangeException(nameof(ClipPercentile), ClipPercentile, "The clip percentile must be in [50, 100].");
        if (!(Alpha >= 0 && Alpha <= 1)) throw new ArgumentOutOfRangeException(nameof(Alpha), Alpha, "Alpha must be in [0, 1].");
        if (!(TransparentBelow >= 0 && TransparentBelow < 1))
            throw new ArgumentOutOfRangeException(nameof(TransparentBelow), TransparentBelow, "TransparentBelow must be in [0, 1).");
    }

    /// <summary>Brings a finite map into its colormap's range; a map of zeros (or a constant one, for the min–max scaling) becomes zeros.</summary>
    public ScaledMap Scale(ReadOnlySpan<float> map)
    {
        Validate();
        float min = float.MaxValue, max = float.MinValue, maxAbs = 0;
        foreach (float v in map)
        {
            if (!float.IsFinite(v)) throw new ArgumentException("The map holds NaN or infinite values; it cannot be drawn.", nameof(map));
            min = Math.Min(min, v);
            max = Math.Max(max, v);
            maxAbs = Math.Max(maxAbs, Math.Abs(v));
        }
        bool signed = Sign == HeatmapSign.Signed || (Sign == HeatmapSign.Auto && min < 0);
        // Min–max and positive-max results are in [0, 1] whatever the sign: they are drawn as magnitudes.
        bool drawnSigned = signed && (Scaling is HeatmapScaling.Percentile or HeatmapScaling.MaxAbs);
        Colormap colormap = Colormap ?? (drawnSigned ? Imaging.Colormap.BlueWhiteRed : Imaging.Colormap.Jet);
        var values = new float[map.Length];
        (float low, float high) = (0, 0);
        switch (Scaling)
        {
            case HeatmapScaling.MinMax:
                (low, high) = (min, max);
                for (int i = 0; i < map.Length; i++) values[i] = max > min ? (map[i] - min) / (max - min) : 0;
                break;
            case HeatmapScaling.PositiveMax:
                (low, high) = (0, Math.Max(max, 0));
                for (int i = 0; i < map.Length; i++) values[i] = max > 0 ? Math.Max(map[i], 0) / max : 0;
                break;
            default:
                float limit = Scaling == HeatmapScaling.MaxAbs ? maxAbs : Percentile(map, ClipPercentile);
                (low, high) = (drawnSigned ? -limit : 0, limit);
                for (int i = 0; i < map.Length; i++)
                    values[i] = limit > 0 ? Math.Clamp(map[i] / limit, drawnSigned ? -1 : 0, 1) : 0;
                break;
        }
        // A diverging colormap given [−1, 1] shows zero at its centre; the others take [0, 1] and show a signed map shifted.
        if (drawnSigned && colormap != Imaging.Colormap.BlueWhiteRed)
            for (int i = 0; i < values.Length; i++) values[i] = (values[i] + 1) / 2;
        return new ScaledMap(values, colormap, drawnSigned, low, high);
    }

    /// <summary>The <paramref name="percentile"/>-th percentile of |map|, linearly interpolated between ranks (numpy's default).</summary>
    private static float Percentile(ReadOnlySpan<float> map, double percentile)
    {
        if (map.Length == 0) return 0;
        var magnitudes = new float[map.Length];
        for (int i = 0; i < map.Length; i++) magnitudes[i] = Math.Abs(map[i]);
        Array.Sort(magnitudes);
        double rank = percentile / 100 * (magnitudes.Length - 1);
        int below = (int)Math.Floor(rank), above = Math.Min(below + 1, magnitudes.Length - 1);
        return (float)(magnitudes[below] + (rank - below) * (magnitudes[above] - magnitudes[below]));
    }
}
