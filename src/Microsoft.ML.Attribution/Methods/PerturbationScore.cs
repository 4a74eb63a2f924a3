namespace Microsoft.ML.Attribution.Methods;

/// <summary>Which output a perturbation method watches change: the target's logit, softmax probability or sigmoid (multi-label models).</summary>
public enum PerturbationScore
{
    Logit,
    Probability,
    Sigmoid,
}
