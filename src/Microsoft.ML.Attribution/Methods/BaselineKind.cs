namespace Microsoft.ML.Attribution.Methods;

/// <summary>The reference input x' of path methods.</summary>
public enum BaselineKind
{
    /// <summary>All zeros in the model's (normalized) input space.</summary>
    Zero,
    /// <summary>A Gaussian-blurred copy of the input.</summary>
    Blur,
    /// <summary>A tensor given in the options.</summary>
    Custom,
}
