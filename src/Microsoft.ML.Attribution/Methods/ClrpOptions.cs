namespace Microsoft.ML.Attribution.Methods;

/// <summary>Options of CLRP (methods.md §3). Defaults follow the official code (JindongGu/Contrastive-LRP).</summary>
public sealed record ClrpOptions : MethodOptions
{
    /// <summary>The dual concept: 1 = all other classes, 2 = the target with negated classifier weights.</summary>
    public int Dual { get; init; } = 1;

    /// <summary>CLRP1's dual seed (ignored for dual 2).</summary>
    public ClrpDualSeed DualSeed { get; init; } = ClrpDualSeed.Official;

    /// <summary>Divide each map by its total before subtracting (official code); false = the paper's R_t − R_dual.</summary>
    public bool NormalizeBySum { get; init; } = true;

    /// <summary>Keep only the positive part of the difference (max(0, ·), both code and paper).</summary>
    public bool ClampNegative { get; init; } = true;

    /// <summary>Lowest input value for the first layer's z^B (one for all channels, or one per channel).</summary>
    public double[] Low { get; init; } = [ContrastiveLrp.ImageNetLow];

    /// <summary>Highest input value for the first layer's z^B.</summary>
    public double[] High { get; init; } = [ContrastiveLrp.ImageNetHigh];

    /// <summary>Added to the (non-negative) denominators of z⁺ and z^B (the code's 1e-9).</summary>
    public double Stabilizer { get; init; } = 1e-9;

    /// <summary>Split a max-pool window's relevance equally among positions tying for its maximum (official code).</summary>
    public bool SplitTiedMaxima { get; init; } = true;

    /// <summary>Fold batch norms into the preceding convolutions first (VGG16 has none; for other networks).</summary>
    public bool MergeBatchNorm { get; init; } = true;
}
