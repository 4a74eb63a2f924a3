namespace Microsoft.ML.Attribution.Methods;

/// <summary>How SmoothGrad combines the maps of the noisy copies.</summary>
public enum NoiseAggregation
{
    /// <summary>Mean of the maps (Smilkov et al. 2017).</summary>
    SmoothGrad,
    /// <summary>Mean of the squared maps.</summary>
    SmoothGradSquared,
    /// <summary>Variance of the maps (Adebayo et al. 2018).</summary>
    VarGrad,
}
