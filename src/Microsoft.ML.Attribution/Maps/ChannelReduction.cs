namespace Microsoft.ML.Attribution.Maps;

/// <summary>How an [N, C, H, W] map becomes [N, H, W] (methods.md §0.6).</summary>
public enum ChannelReduction
{
    /// <summary>Σ_c M (signed; LRP/EBP/RSP/CLRP convention).</summary>
    Sum,
    /// <summary>Σ_c |M| (FullGrad repository's Gradient, SmoothGrad).</summary>
    AbsSum,
    /// <summary>max_c |M| (Simonyan; TorchRay gradient, guided BP, DeconvNet).</summary>
    MaxAbs,
    /// <summary>(1/C) Σ_c M (DMBP visualization).</summary>
    Mean,
    /// <summary>max(Σ_c M, 0) (TorchRay c-MWP; Grad-CAM after weighting).</summary>
    PositiveSum,
    /// <summary>√(Σ_c M²).</summary>
    L2,
}
