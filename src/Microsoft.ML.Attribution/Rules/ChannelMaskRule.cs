using Microsoft.ML.Attribution.Graph;
using TorchSharp;
using Microsoft.ML.Attribution.Tensors;
using static TorchSharp.torch;

namespace Microsoft.ML.Attribution.Rules;

/// <summary>
/// DMBP's masked backward (methods.md §1.3): every layer passes its plain gradient, except that the gradient arriving
/// at a masked layer's output is first scaled per channel by that layer's mask. ReLU gates and max-pool switches are
/// the recorded ones, never recomputed. Every step is a differentiable libtorch op, so with grad mode on autograd can
/// differentiate the input gradient with respect to the masks (which is how DMBP learns them).
/// </summary>
public sealed class ChannelMaskRule : IRule
{
    private readonly IReadOnlyDictionary<string, Tensor> _masks;
    private readonly Dictionary<string, Tensor>? _unmasked;

    /// <param name="masks">Layer name → mask [N, C] (one value per row and output channel of that layer).</param>
    /// <param name="unmasked">
    /// When given, receives each masked layer's incoming gradient before its mask is applied (DMBP's adjoint mask
    /// gradients need it); the caller owns and disposes those tensors.
    /// </param>
    public ChannelMaskRule(IReadOnlyDictionary<string, Tensor> masks, Dictionary<string, Tensor>? unmasked = null)
    {
        ArgumentNullException.ThrowIfNull(masks);
        foreach (var (name, mask) in masks)
            if (mask.Dimensions != 2)
                throw new ArgumentException($"The mask of layer '{name}' must be [N, C], got {mask.Describe()}.", nameof(masks));
        _masks = masks;
        _unmasked = unmasked;
    }

    public string Name => "channel-mask";

    public bool AppliesTo(Layer layer) => true;

    public Tensor[] Backward(LayerTrace trace, Tensor relevance)
    {
        using var scope = NewDisposeScope();
        Tensor gradient = relevance;
        if (_masks.TryGetValue(trace.Layer.Name, out Tensor? mask))
        {
            if (relevance.Dimensions < 2 || mask.shape[0] != relevance.shape[0] || mask.shape[1] != relevance.shape[1])
                throw new ArgumentException($"The mask of layer '{trace.Layer.Name}' is {mask.Describe()} but the layer's output is {relevance.Describe()}: it needs one value per row and channel.");
            if (_unmasked is not null)
                _unmasked[trace.Layer.Name] = relevance.alias().DetachFromDisposeScope();
            gradient = ScaleChannels(relevance, mask);
        }
        Tensor[] result = DifferentiableBackward(trace, gradient);
        foreach (Tensor t in result) t.MoveToOuterDisposeScope();
        return result;
    }

    /// <summary><paramref name="values"/> [N, C, …] scaled by <paramref name="mask"/> [N, C], one factor per row and channel.</summary>
    internal static Tensor ScaleChannels(Tensor values, Tensor mask)
    {
        using Tensor perChannel = mask.reshape(values.shape.Select((d, i) => i < 2 ? d : 1L).ToArray());
        return values * perChannel;
    }

    /// <summary>
    /// The layer's own backward when it keeps the autograd graph back to <paramref name="gradOutput"/> (all the hot-path
    /// kinds do: conv transpose, pool backwards, gates are libtorch ops); otherwise a vector-Jacobian product of a
    /// recomputed forward with create_graph, so masks above such a layer still receive gradients.
    /// </summary>
    internal static Tensor[] DifferentiableBackward(LayerTrace trace, Tensor gradOutput)
    {
        Tensor[] result = trace.Layer.Backward(trace, gradOutput);
        if (!gradOutput.requires_grad || result.Select((t, i) => trace.IsConstant(i) || t.requires_grad).All(connected => connected))
            return result;
        foreach (Tensor t in result) t.Dispose();
        return trace.Layer.BackwardThroughAutograd(trace, gradOutput, createGraph: true);
    }
}
