namespace Microsoft.ML.Attribution.Metrics;

/// <summary>How two maps are compared in the sanity checks (methods.md §4.3).</summary>
public sealed record SimilarityOptions
{
    /// <summary>PathwayGrad's sanity-check settings (methods.md §4.3): max-|value| normalization, SSIM window 5, HOG cells of 16 × 16 pixels.</summary>
    public static SimilarityOptions SanityChecks { get; } = new() { SsimWindowSize = 5, Hog = new HogOptions { PixelsPerCell = (16, 16) } };

    /// <summary>Divide each map by its max |value| first (§4.3), so SSIM sees maps in [−1, 1]. All-zero maps are left as they are.</summary>
    public bool NormalizeByMaxAbs { get; init; } = true;

    /// <summary>SSIM's data range; 2 fits maps normalized to [−1, 1] (and is skimage's implicit choice for float images).</summary>
    public double SsimDataRange { get; init; } = 2;

    /// <summary>SSIM's window side; skimage's default is 7, PathwayGrad's sanity checks used 5.</summary>
    public int SsimWindowSize { get; init; } = 7;

    public HogOptions Hog { get; init; } = new();
}
