using Microsoft.ML.Attribution.Graph;
using Microsoft.ML.Attribution.Graph.Layers;
using Microsoft.ML.Attribution.Tensors;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Microsoft.ML.Attribution.Rules;

/// <summary>
/// RSP's rule for inner convolutions (methods.md §2.4, the release's Conv2d.RSP_relprop). The positive and negative
/// sections of the relevance, R⁺ = max(R, 0) and R⁻ = max(−R, 0), are propagated separately, each with a
/// relevance-weighted kernel K = ∂⟨conv(X⁺; ·), R^±⟩/∂W (the weight gradient at X⁺ = max(X, 0)) in a z-rule:
/// C^± = X⁺ ⊙ convᵀ(R^± ⊘ (conv(X⁺; K^±) ⊙ [R^± ≠ 0]), K^±). Kernels larger than 1×1 return C = 2(C⁺ − C⁻) shifted
/// uniformly over its non-zero units so that Σ R_in = Σ R ("uniform shift"); 1×1 kernels (ResNet only) return C⁺ − C⁻.
/// The layer's learned weights never enter — only its geometry — exactly as in the release.
/// </summary>
public sealed class RspConvRule(bool purge = false) : IRule
{
    /// <summary>
    /// [RECONSTRUCTED] purging (off by default, as in the release, where the step is a no-op): per position, drop the
    /// entries whose sign conflicts with the channel sum there, then rescale to keep Σ R (methods.md §2.4).
    /// </summary>
    public bool Purge { get; } = purge;

    public string Name => Purge ? "rsp-conv-purged" : "rsp-conv";

    public bool AppliesTo(Layer layer) => layer is Conv2d;

    public Tensor[] Backward(LayerTrace trace, Tensor relevance)
    {
        var conv = (Conv2d)trace.Layer;
        using var scope = NewDisposeScope();
        Tensor x = trace.Input.AtLeast(0);
        Tensor r = Purge ? PurgeConflicts(relevance) : relevance;
        Tensor positive = r.AtLeast(0), negative = r.neg().AtLeast(0);
        bool pointwise = conv.Weight.shape[2] == 1 && conv.Weight.shape[3] == 1;

        // Both signs of every row at once: 2N images, each with its own relevance kernels (see SectionOfEveryImage).
        long rows = x.shape[0];
        Tensor sections = SectionOfEveryImage(conv, cat([x, x], 0), cat([positive, negative], 0));
        Tensor c = sections.narrow(0, 0, rows) - sections.narrow(0, rows, rows);
        if (pointwise) return [c.MoveToOuterDisposeScope()];
        Tensor combined = c.Times(2.0);

        // Uniform shift: remove the surplus ΣC − ΣR evenly from the non-zero units (ΣC = 2ΣR when nothing is lost).
        long[] perRow = [1, 2, 3];
        Tensor total = r.sum(perRow, keepdim: true);
        Tensor nonzero = combined.NotEqualTo(0).to(combined.dtype);
        Tensor shift = Stabilizer.SafeDivide(total, nonzero.sum(perRow, keepdim: true));
        return [(combined - shift * nonzero).MoveToOuterDisposeScope()];
    }

    /// <summary>
    /// K = ∂⟨conv(x; W), r⟩/∂W for one image: the weight gradient of the convolution at <paramref name="x"/> with
    /// upstream <paramref name="r"/>. It depends on the layer's geometry only, not on its weight values.
    /// </summary>
    internal static Tensor RelevanceKernel(Conv2d conv, Tensor x, Tensor r)
    {
        using var scope = NewDisposeScope();
        var (padded, padding) = conv.WithExplicitPadding(x);
        return Kernels(conv, padded, r, padding, images: 1).MoveToOuterDisposeScope();
    }

    /// <summary>The weight gradient with <paramref name="images"/> stacked as groups (the weight is only needed for its shape).</summary>
    private static Tensor Kernels(Conv2d conv, Tensor x, Tensor r, long[] padding, long images) =>
        LayerGradients.Conv2dWeight(r, x, [images * conv.Weight.shape[0], .. conv.Weight.shape.Skip(1)], x.dtype, conv.Stride, padding, conv.Dilation,
            images * conv.Groups);

    /// <summary>
    /// x ⊙ Kᵀ(r / K(x)) with each image's own relevance kernels K = ∂⟨r, conv(x)⟩/∂W (methods.md §2.4). The kernels differ
    /// per image, so the images become the groups of one grouped convolution ([B, C, H, W] → [1, B·C, H, W], groups ×B):
    /// three convolution calls for the whole batch instead of three per image.
    /// </summary>
    internal static Tensor SectionOfEveryImage(Conv2d conv, Tensor x, Tensor r)
    {
        using var scope = NewDisposeScope();
        long images = x.shape[0], inChannels = x.shape[1], outChannels = r.shape[1];
        long groups = images * conv.Groups;
        var (padded, padding) = conv.WithExplicitPadding(x);
        Tensor xs = padded.reshape(1, images * inChannels, padded.shape[2], padded.shape[3]);
        Tensor rs = r.reshape(1, images * outChannels, r.shape[2], r.shape[3]);
        Tensor kernels = Kernels(conv, xs, rs, padding, images);
        Tensor z = F.conv2d(xs, kernels, null, conv.Stride, padding, conv.Dilation, groups) * rs.NotEqualTo(0).to(rs.dtype);
        Tensor s = Stabilizer.SafeDivide(rs, z);
        Tensor back = LayerGradients.Conv2dInput(s, xs.shape, kernels, conv.Stride, padding, conv.Dilation, groups)
            .reshape(images, inChannels, padded.shape[2], padded.shape[3]);
        if (!conv.HasSymmetricPadding)
            back = conv.CropExplicitPadding(back);
        return (x * back).MoveToOuterDisposeScope();
    }

    private static Tensor PurgeConflicts(Tensor relevance)
    {
        Tensor channelSum = relevance.sum(1, keepdim: true);
        Tensor kept = where(channelSum.GreaterThan(0), relevance.AtLeast(0), relevance.AtMost(0));
        long[] perRow = [1, 2, 3];
        Tensor ratio = Stabilizer.SafeDivide(relevance.sum(perRow, keepdim: true), kept.sum(perRow, keepdim: true));
        return kept * ratio;
    }
}
