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


    /// <summary>Fold batch norms into the preceding convolutions first (Zennit's canonizer).</summary>
    public bool MergeBatchNorm { get; init; } = true;
}
