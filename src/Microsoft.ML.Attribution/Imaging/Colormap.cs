namespace Microsoft.ML.Attribution.Imaging;

/// <summary>Colors for <see cref="Heatmap"/>.</summary>
public enum Colormap
{
    /// <summary>For maps in [0,1]: dark blue → cyan → yellow → dark red (MATLAB's jet).</summary>
    Jet = 0,

    /// <summary>For maps in [0,1]: an improved rainbow, dark blue → green → dark red (Google's turbo, as matplotlib samples it).</summary>
    Turbo = 1,

    /// <summary>For maps in [0,1]: perceptually uniform dark purple → yellow (matplotlib's viridis).</summary>
    Viridis = 2,

    /// <summary>For maps in [0,1]: perceptually uniform black → red → pale yellow (matplotlib's inferno).</summary>
    Inferno = 3,

    /// <summary>For signed maps in [−1,1]: −1 blue (0,0,255), 0 white, +1 red (255,0,0), linear in between.</summary>
    BlueWhiteRed = 4,
}
