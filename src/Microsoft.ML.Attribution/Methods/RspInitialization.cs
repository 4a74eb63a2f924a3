namespace Microsoft.ML.Attribution.Methods;

/// <summary>How RSP seeds the relevance at its start layer (methods.md §2.3).</summary>
public enum RspInitialization
{
    /// <summary>What the release's main.py runs: Grad-CAM without the channel sum, divided by its maximum.</summary>
    Release,

    /// <summary>
    /// The release's relative_GAM (defined, not called; [UNVERIFIED] that it is the paper's): the target's normalized map
    /// against those of the other top-scoring ("hostile") classes, balanced to positive mass 2 and hostile mass 1.
    /// </summary>
    Comparative,
}
