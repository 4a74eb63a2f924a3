namespace Microsoft.ML.Attribution.Methods;

/// <summary>How DMBP differentiates its loss with respect to the masks.</summary>
public enum DmbpMaskGradients
{
    /// <summary>
    /// One masked backward without autograd, then one forward-mode pass of dLoss/dB from the input up through the frozen
    /// gates (each layer's <c>ForwardTangent</c>): the mask gradient of a layer is Σ over positions of that tangent times
    /// the layer's unmasked incoming gradient. Falls back to <see cref="Autograd"/> on a layer without a forward tangent.
    /// </summary>
    Adjoint,

    /// <summary>The masked backward built from differentiable ops, differentiated by libtorch autograd.</summary>
    Autograd,
}
