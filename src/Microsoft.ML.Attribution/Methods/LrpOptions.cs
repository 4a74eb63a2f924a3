namespace Microsoft.ML.Attribution.Methods;

/// <summary>Options of the LRP methods.</summary>
public sealed record LrpOptions : MethodOptions
{
    /// <summary>Composite name (see NamedComposites.Names).</summary>
    public string Composite { get; init; } = "epsilon-plus-flat";

    /// <summary>ε of the epsilon rule (also the stabilizer of the other rules).</summary>
    public double Epsilon { get; init; } = 1e-6;

    /// <summary>γ of the gamma rule.</summary>
    public double Gamma { get; init; } = 0.25;

    /// <summary>Lowest input value for z^B, one per channel or one for all (epsilon-gamma-box).</summary>
    public double[]? Low { get; init; }

    /// <summary>Highest input value for z^B.</summary>
    public double[]? High { get; init; }

    /// <summary>Seed relevance: the target logit (LRP convention, default) or 1 (Zennit's).</summary>
    public SeedKind Seed { get; init; } = SeedKind.Logit;

    /// <summary>
    /// How the recorded forward computes convolutions. Null (default): Winograd's kernels when every convolution and
    /// activation gets a rule that tolerates their rounding (EpsilonPlusFlat, EpsilonAlpha2Beta1Flat, z⁺, αβ: ~20 % faster on
    /// VGG16), libtorch's exact ones otherwise (LRP-ε, γ); Exact or Winograd to choose.
    /// </summary>
    public Graph.RecordedConvolutions? Convolutions { get; init; }

    /// <summary>Fold batch norms into the preceding convolutions first (Zennit's canonizer).</summary>
    public bool MergeBatchNorm { get; init; } = true;
}
