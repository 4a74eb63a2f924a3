namespace Microsoft.ML.Attribution.Maps;

/// <summary>
/// The channel reduction each method's reference implementation uses to show or score its map (methods.md §5.14), so that a pipeline or
/// the CLI that is not told otherwise reduces the way the method's paper does.
/// </summary>
public static class ChannelReductionDefaults
{
    /// <summary>
    /// max_abs for gradient, guided backprop and DeconvNet (Simonyan; TorchRay); abs_sum for SmoothGrad (FullGrad repository); mean for DMBP
    /// (its visualization code); sum (signed) for everything else — LRP, RSP, CLRP/SGLRP, Gradient×Input, IG, and single-channel CAM maps.
    /// </summary>
    public static ChannelReduction For(string method)
    {
        ArgumentNullException.ThrowIfNull(method);
        return method switch
        {
            "gradient" or "guided-backprop" or "deconvnet" => ChannelReduction.MaxAbs,
            "smoothgrad" => ChannelReduction.AbsSum,
            "dmbp" => ChannelReduction.Mean,
            _ => ChannelReduction.Sum,
        };
    }
}
