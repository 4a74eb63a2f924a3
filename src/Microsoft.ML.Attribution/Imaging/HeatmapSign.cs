namespace Microsoft.ML.Attribution.Imaging;

/// <summary>Whether a map is drawn as signed evidence (diverging colormap centred on zero) or as a magnitude (sequential colormap).</summary>
public enum HeatmapSign
{
    /// <summary>Signed when the map holds a negative value, unsigned otherwise.</summary>
    Auto = 0,

    /// <summary>A magnitude: zero is transparent, the colormap runs from zero to the limit.</summary>
    Unsigned = 1,

    /// <summary>Signed evidence: negative blue, zero white and transparent, positive red, symmetric limits.</summary>
    Signed = 2,
}
