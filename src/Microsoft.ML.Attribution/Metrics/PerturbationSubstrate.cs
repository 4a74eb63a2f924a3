namespace Microsoft.ML.Attribution.Metrics;

/// <summary>What deleted pixels become (deletion) or what the image starts from (insertion). Results depend on it: report it.</summary>
public enum PerturbationSubstrate
{
    /// <summary>0 in the model's input space: the mean image when inputs are mean-normalized, black when they are not.</summary>
    Zero,

    /// <summary>The image's own per-channel spatial mean.</summary>
    Mean,

    /// <summary>The image blurred as in RISE's evaluation (Gaussian, kernel 11, σ = 5, zero padding).</summary>
    Blur,
}
