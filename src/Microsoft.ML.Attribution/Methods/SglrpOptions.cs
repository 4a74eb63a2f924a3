namespace Microsoft.ML.Attribution.Methods;

/// <summary>Options of SGLRP (methods.md §3.6). Defaults follow the official code (uchidalab/softmaxgradient-lrp).</summary>
public sealed record SglrpOptions : MethodOptions
{
    /// <summary>Added to the target seed ŷ_t(1 − ŷ_t) so a perfect prediction still propagates something.</summary>
    public double TargetEpsilon { get; init; } = 1e-8;

    /// <summary>Rescale the dual map to the target map's total before subtracting (official "scaling").</summary>
    public bool Scaling { get; init; } = true;

    /// <summary>Keep only the positive part (the official relu option, off by default).</summary>
    public bool ClampNegative { get; init; }

    /// <summary>
    /// Lowest input value for the first layer's z^B. The official default is −1; use the true bounds of the normalized
    /// pixels (the default here is ImageNet's, as for CLRP).
    /// </summary>
    public double[] Low { get; init; } = [ContrastiveLrp.ImageNetLow];

    /// <summary>Highest input value for the first layer's z^B.</summary>
    public double[] High { get; init; } = [ContrastiveLrp.ImageNetHigh];

    /// <summary>Added to the (non-negative) denominators of z⁺ and z^B.</summary>
    public double Stabilizer { get; init; } = 1e-9;

    /// <summary>Split tied max-pool maxima equally (off: innvestigate routes to the single winner).</summary>
    public bool SplitTiedMaxima { get; init; }

    /// <summary>Fold batch norms into the preceding convolutions first.</summary>
    public bool MergeBatchNorm { get; init; } = true;
}
