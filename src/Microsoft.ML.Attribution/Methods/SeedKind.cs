namespace Microsoft.ML.Attribution.Methods;

/// <summary>What is injected at the target logit: 1 (gradient convention, Zennit) or the logit itself (LRP convention).</summary>
public enum SeedKind
{
    One,
    Logit,
}
