namespace Microsoft.ML.Attribution.Methods;

/// <summary>CLRP1's seed on the "all other classes" dual concept (methods.md §3.3).</summary>
public enum ClrpDualSeed
{
    /// <summary>The official code's: |z_n| on every class n ≠ t.</summary>
    Official,

    /// <summary>The paper's as summarized by re-implementations ([UNVERIFIED]): z_t / (K − 1) on every class n ≠ t.</summary>
    Uniform,
}
