namespace Microsoft.ML.Attribution.Metrics;

/// <summary>Deletion removes the most salient pixels first (lower AUC is better); insertion adds them first (higher is better).</summary>
public enum PerturbationMode
{
    Deletion,
    Insertion,
}
