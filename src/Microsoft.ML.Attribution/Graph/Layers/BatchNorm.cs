using TorchSharp;
using Microsoft.ML.Attribution.Tensors;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Microsoft.ML.Attribution.Graph.Layers;

/// <summary>Inference batch normalization over dim 1: a fixed per-channel affine map y = s·x + t.</summary>
public sealed class BatchNorm : Layer, ILinearLayer
{
    public BatchNorm(string name, string input, string output, Tensor scale, Tensor bias, Tensor mean, Tensor variance, double epsilon)
        : base(name, [input], output)
    {
        Scale = scale;
        Bias = bias;
        Mean = mean;
        Variance = variance;
        Epsilon = epsilon;
    }

    public Tensor Scale { get; }

    public Tensor Bias { get; }

    public Tensor Mean { get; }

    public Tensor Variance { get; }

    public double Epsilon { get; }

    public override IEnumerable<(string name, Tensor value)> Parameters =>
        [("weight", Scale), ("bias", Bias), ("running_mean", Mean), ("running_var", Variance)];

    /// <summary>s = scale / √(var + ε), per channel.</summary>
    public Tensor EffectiveScale()
    {
        using Tensor shifted = Variance.Plus(Epsilon);
        using Tensor std = shifted.sqrt();
        return Scale / std;
    }

    /// <summary>t = bias − mean·s, per channel.</summary>
    public Tensor EffectiveShift()
    {
        using Tensor s = EffectiveScale();
        using Tensor ms = Mean * s;
        return Bias - ms;
    }

    public override Tensor Forward(IReadOnlyList<Tensor> inputs, LayerTrace? trace) =>
        F.batch_norm(inputs[0], Mean, Variance, Scale, Bias, training: false, eps: Epsilon);

    public override Tensor[] Backward(LayerTrace trace, Tensor gradOutput)
    {
        using Tensor s = EffectiveScale();
        using Tensor perChannel = s.reshape(ChannelShape(trace.Input));
        return [gradOutput * perChannel];
    }

    /// <summary>A diagonal Jacobian is its own transpose: the tangent is scaled as the gradient is.</summary>
    public override Tensor? ForwardTangent(LayerTrace trace, IReadOnlyList<Tensor?> tangents) => Backward(trace, tangents[0]!)[0];

    /// <summary>[1, C, 1, …] for broadcasting a per-channel vector against <paramref name="like"/>.</summary>
    public static long[] ChannelShape(Tensor like) =>
        Enumerable.Range(0, (int)like.Dimensions).Select(d => d == 1 ? like.shape[1] : 1L).ToArray();

    private Tensor? _affineScale, _affineShift;

    // As an affine layer: y = s·x + t per channel (LRP rules may treat BN like any other linear layer).
    Tensor ILinearLayer.Weight => _affineScale ??= EffectiveScale().DetachFromDisposeScope();

    Tensor? ILinearLayer.Bias => _affineShift ??= EffectiveShift().DetachFromDisposeScope();

    Tensor ILinearLayer.ForwardWith(Tensor input, Tensor weight, Tensor? bias)
    {
        long[] shape = ChannelShape(input);
        using Tensor w = weight.reshape(shape);
        if (bias is null) return input * w;
        using Tensor scaled = input * w;
        using Tensor b = bias.reshape(shape);
        return scaled.Plus(b);
    }

    Tensor ILinearLayer.TransposeWith(Tensor gradOutput, Tensor input, Tensor weight)
    {
        using Tensor w = weight.reshape(ChannelShape(input));
        return gradOutput * w;
    }

    public override void Dispose()
    {
        _affineScale?.Dispose();
        _affineShift?.Dispose();
        base.Dispose();
    }

    public override Layer CloneWith(Func<Tensor, Tensor> map) =>
        WithShapesOf(new BatchNorm(Name, Inputs[0], Output, map(Scale), map(Bias), map(Mean), map(Variance), Epsilon));
}
