namespace Microsoft.ML.Attribution.Methods;

/// <summary>Options of Score-CAM. Masked forward passes are batched under <see cref="MethodOptions.MemoryBudgetMb"/>.</summary>
public sealed record ScoreCamOptions : CamOptions
{
    /// <summary>Guard in the per-channel min-max scaling of the masks (pytorch-grad-cam uses 1e-8).</summary>
    public double MaskEpsilon { get; init; } = 1e-8;
}
