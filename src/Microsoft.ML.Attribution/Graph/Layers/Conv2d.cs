using TorchSharp;
using Microsoft.ML.Attribution.Tensors;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Microsoft.ML.Attribution.Graph.Layers;

/// <summary>2-D convolution. <see cref="Padding"/> is (top, left, bottom, right), so asymmetric ONNX pads are exact.</summary>
public sealed class Conv2d : Layer, ILinearLayer
{
    public Conv2d(string name, string input, string output, Tensor weight, Tensor? bias, long[] stride, long[] padding, long[] dilation, long groups)
        : base(name, [input], output)
    {
        if (weight.Dimensions != 4) throw new ArgumentException($"Conv2d '{name}': weight must be 4-D [out, in/groups, kH, kW], got {weight.Describe()}.");
        if (stride.Length != 2 || dilation.Length != 2 || padding.Length != 4)
            throw new ArgumentException($"Conv2d '{name}': stride and dilation take 2 values, padding 4 (top, left, bottom, right).");
        if (groups < 1 || weight.shape[0] % groups != 0)
            throw new ArgumentException($"Conv2d '{name}': group count {groups} must be at least 1 and divide the {weight.shape[0]} output channels.");
        if (stride.Any(v => v < 1) || dilation.Any(v => v < 1) || padding.Any(v => v < 0))
            throw new ArgumentException($"Conv2d '{name}': strides and dilations must be at least 1 and pads not negative, got strides [{string.Join(",", stride)}], dilations [{string.Join(",", dilation)}], pads [{string.Join(",", padding)}].");
        Weight = weight;
        Bias = bias;
        Stride = stride;
        Padding = padding;
        Dilation = dilation;
        Groups = groups;
    }

    /// <summary>
    /// The input gradient's kernels for <see cref="Weight"/> (<see cref="LayerGradients.InputGradientKernels"/>), made by the
    /// first backward and kept: making them per call copied every weight on every backward (a ResNet50 backward at batch 2:
    /// ~25 ms of its ~150). Costs one more copy of the weight once a backward has run.
    /// </summary>
    private readonly DerivedTensorCache _gradientKernels = new();

    private Tensor? GradientKernels() => _gradientKernels.GetOrMake(() => InputGradientKernels(Weight));

    /// <summary>The weight (and bias, and kernels) as LRP-type rules modify them, kept per modifier: see <see cref="ModifiedParameterCache"/>.</summary>
    private readonly ModifiedParameterCache _modified = new();

    private Tensor? InputGradientKernels(Tensor weight) =>
        LayerGradients.InputGradientKernels(weight, Stride, HasSymmetricPadding ? [Padding[0], Padding[1]] : [0, 0], Dilation, Groups);

    /// <summary>True: modified weights and their kernels are kept per modifier, so rules ask the layer for its modified passes.</summary>
    public bool RunsModifiedPassesItself => true;

    public Tensor ForwardModified(Tensor input, WeightModifier modifier, bool withBias) =>
        ForwardWith(input, _modified.Weight(modifier, Weight), withBias && Bias is { } bias ? _modified.Bias(modifier, bias) : null);

    public Tensor TransposeModified(Tensor gradOutput, Tensor input, WeightModifier modifier) =>
        Transpose(gradOutput, input, _modified.Weight(modifier, Weight), _modified.Derived(modifier, Weight, InputGradientKernels));

    public Tensor Weight { get; private set; }

    public Tensor? Bias { get; private set; }

    public long[] Stride { get; }

    /// <summary>(top, left, bottom, right).</summary>
    public long[] Padding { get; }

    public long[] Dilation { get; }

    public long Groups { get; }

    public bool HasSymmetricPadding => Padding[0] == Padding[2] && Padding[1] == Padding[3];

    public override IEnumerable<(string name, Tensor value)> Parameters =>
        Bias is null ? [("weight", Weight)] : [("weight", Weight), ("bias", Bias)];

    public override Tensor Forward(IReadOnlyList<Tensor> inputs, LayerTrace? trace) => ForwardWith(inputs[0], Weight, Bias);

    /// <summary>This convolution with other weights/bias (LRP rules use modified weights such as W⁺).</summary>
    public Tensor ForwardWith(Tensor input, Tensor weight, Tensor? bias)
    {
        if (HasSymmetricPadding) return F.conv2d(input, weight, bias, Stride, [Padding[0], Padding[1]], Dilation, Groups);
        using Tensor padded = WithExplicitPadding(input).Input;
        return F.conv2d(padded, weight, bias, Stride, [0, 0], Dilation, Groups);
    }

    /// <summary>
    /// <paramref name="input"/> and the (H, W) padding to convolve it with: unchanged with this layer's padding when symmetric
    /// (libtorch pads both sides alike), else padded explicitly (a new tensor) and convolved without padding.
    /// </summary>
    public (Tensor Input, long[] Padding) WithExplicitPadding(Tensor input) =>
        HasSymmetricPadding
            ? (input, [Padding[0], Padding[1]])
            : (F.pad(input, [Padding[1], Padding[3], Padding[0], Padding[2]]), [0, 0]);

    /// <summary>A map over the explicitly padded input cut back to the input's extent (the inverse of <see cref="WithExplicitPadding"/>).</summary>
    public Tensor CropExplicitPadding(Tensor padded) => F.pad(padded, [-Padding[1], -Padding[3], -Padding[0], -Padding[2]]);

    /// <summary>The transpose (input-gradient) of this convolution with <paramref name="weight"/>, for an input shaped like <paramref name="input"/>.</summary>
    public Tensor TransposeWith(Tensor gradOutput, Tensor input, Tensor weight) =>
        Transpose(gradOutput, input, weight, ReferenceEquals(weight, Weight) ? GradientKernels() : null);

    /// <summary>The transpose with <paramref name="weight"/>'s input-gradient kernels when kept (null: made for this call).</summary>
    private Tensor Transpose(Tensor gradOutput, Tensor input, Tensor weight, Tensor? kernels)
    {
        long[] shape = input.shape;
        if (HasSymmetricPadding)
            return LayerGradients.Conv2dInput(gradOutput, shape, weight, Stride, [Padding[0], Padding[1]], Dilation, Groups, kernels);
        long[] paddedShape = [shape[0], shape[1], shape[2] + Padding[0] + Padding[2], shape[3] + Padding[1] + Padding[3]];
        using Tensor grad = LayerGradients.Conv2dInput(gradOutput, paddedShape, weight, Stride, [0, 0], Dilation, Groups, kernels);
        return CropExplicitPadding(grad);
    }

    public override Tensor[] Backward(LayerTrace trace, Tensor gradOutput) => [TransposeWith(gradOutput, trace.Input, Weight)];

    public override Tensor? ForwardTangent(LayerTrace trace, IReadOnlyList<Tensor?> tangents) => ForwardWith(tangents[0]!, Weight, null);

    public override Layer CloneWith(Func<Tensor, Tensor> map) =>
        WithShapesOf(new Conv2d(Name, Inputs[0], Output, map(Weight), Bias is null ? null : map(Bias), Stride, Padding, Dilation, Groups));

    /// <summary>Replaces the parameters (used by canonizers that fold a BatchNorm into this layer).</summary>
    internal void SetParameters(Tensor weight, Tensor? bias)
    {
        Weight.Dispose();
        Bias?.Dispose();
        _gradientKernels.Clear();
        _modified.Clear();
        Weight = weight;
        Bias = bias;
    }

    public override void Dispose()
    {
        _gradientKernels.Dispose();
        _modified.Dispose();
        base.Dispose();
    }
}
