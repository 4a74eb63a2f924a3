using Microsoft.ML.Attribution.Graph;
using Microsoft.ML.Attribution.Graph.Layers;
using Microsoft.ML.Attribution.Tensors;
using static TorchSharp.torch;

namespace Microsoft.ML.Attribution.Rules;

/// <summary>
/// LRP-flat (weights and inputs set to 1, no bias): relevance spread uniformly over each receptive field;
/// with <see cref="Squared"/> it is LRP-w² (weights squared).
/// </summary>
public sealed class FlatRule(bool squared = false, double stabilizer = 1e-6) : LinearRule
{
    public bool Squared { get; } = squared;

    public double Stabilizer { get; } = stabilizer;

    /// <summary>True: it reads no values, only shapes.</summary>

    public override string Name => Squared ? "w-square" : "flat";

    protected override Tensor Relevance(ILinearLayer layer, Tensor input, Tensor relevance)
    {
        if (!Squared && layer is Conv2d { Groups: 1 } conv && input.Dimensions == 4) return FlatConvolution(conv, input, relevance);
        WeightModifier w = Squared ? WeightModifier.Square : WeightModifier.Ones;
        Tensor unit = ones_like(input);
        Tensor z = Forward(layer, unit, w, false);
        Tensor s = Rules.Stabilizer.Divide(relevance, z, Stabilizer);
        return ModifiedPasses.Transpose(layer, s, input, w);
    }

    /// <summary>
    /// Flat through a convolution without its channels: with unit weights and inputs, z at an output position is C_in times
    /// the number of kernel taps inside the image there (the same for every row and output channel), and the transpose sends
    /// each position the sum over output channels of s, the same to every input channel. One single-channel convolution
    /// each way instead of two full ones (the first layer of VGG16: 64 channels at 224×224).
    /// </summary>
    private Tensor FlatConvolution(Conv2d conv, Tensor input, Tensor relevance)
    {
        long channels = input.shape[1];
        Tensor unitWeight = ones([1, 1, conv.Weight.shape[2], conv.Weight.shape[3]], input.dtype, input.device);
        Tensor unitPlane = ones([1, 1, input.shape[2], input.shape[3]], input.dtype, input.device);
        Tensor z = conv.ForwardWith(unitPlane, unitWeight, null).Times(channels);
        Tensor s = Rules.Stabilizer.Divide(relevance, z, Stabilizer).sum([1], keepdim: true);
        Tensor spread = conv.TransposeWith(s, input.narrow(1, 0, 1), unitWeight);
        return spread.expand(input.shape).contiguous();
    }
}
