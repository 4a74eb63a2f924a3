using Microsoft.ML.Attribution.Tensors;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Microsoft.ML.Attribution.Graph.Layers;

/// <summary>y = x·Wᵀ + b over the last dimension (ONNX Gemm with a constant B, or MatMul with a constant).</summary>
public sealed class Linear : Layer, ILinearLayer
{
    public Linear(string name, string input, string output, Tensor weight, Tensor? bias) : base(name, [input], output)
    {
        if (weight.Dimensions != 2) throw new ArgumentException($"Linear '{name}': weight must be 2-D [out, in], got {weight.Describe()}.");
        Weight = weight;
        Bias = bias;
    }

    /// <summary>[out, in].</summary>
    public Tensor Weight { get; private set; }

    public Tensor? Bias { get; private set; }

    public override IEnumerable<(string name, Tensor value)> Parameters =>
        Bias is null ? [("weight", Weight)] : [("weight", Weight), ("bias", Bias)];

    public override Tensor Forward(IReadOnlyList<Tensor> inputs, LayerTrace? trace) => ForwardWith(inputs[0], Weight, Bias);

    public Tensor ForwardWith(Tensor input, Tensor weight, Tensor? bias) => F.linear(input, weight, bias);

    /// <summary>The transpose of x ↦ x·Wᵀ: g ↦ g·W (the input only fixes the shape, which the product already has).</summary>
    public Tensor TransposeWith(Tensor gradOutput, Tensor input, Tensor weight) => CheckedMatMul.Of(gradOutput, weight);

    public override Tensor[] Backward(LayerTrace trace, Tensor gradOutput) => [TransposeWith(gradOutput, trace.Input, Weight)];

    /// <summary>
    /// Weights of this many bytes or more are modified block by block in modified passes: a whole W⁺ of VGG16's first
    /// dense layer is a 411 MB copy per pass, written to fresh pages, while a block of rows stays in the cache between
    /// being made and being used.
    /// </summary>
    internal const long BlockwiseModificationBytes = 32L << 20;

    /// <summary>The bytes of weight rows modified at a time.</summary>
    internal const long ModifiedBlockBytes = 2L << 20;

    /// <summary>True for large weights, whose modified passes go block by block (see <see cref="BlockwiseModificationBytes"/>).</summary>
    public bool RunsModifiedPassesItself => Weight.numel() * Weight.element_size() >= BlockwiseModificationBytes;

    /// <summary>L(x; m(W)) + m(b), the modified weight made a block of output units at a time where the weight is large.</summary>
    public Tensor ForwardModified(Tensor input, WeightModifier modifier, bool withBias)
    {
        if (!RunsModifiedPassesItself) return ILinearLayer.ForwardWithModifiedCopies(this, input, modifier, withBias);
        using var scope = NewDisposeScope();
        var parts = new List<Tensor>();
        foreach (var (start, count) in RowBlocks())
        {
            using Tensor weight = modifier.Apply(Weight.narrow(0, start, count));
            using Tensor? bias = withBias && Bias is not null ? modifier.Apply(Bias.narrow(0, start, count)) : null;
            parts.Add(F.linear(input, weight, bias));
        }
        return cat(parts, -1).MoveToOuterDisposeScope();
    }

    /// <summary>Lᵀ(g; m(W)) = Σ over blocks of output units g[…, block] · m(W[block]), for large weights; else with a whole copy.</summary>
    public Tensor TransposeModified(Tensor gradOutput, Tensor input, WeightModifier modifier)
    {
        if (!RunsModifiedPassesItself) return ILinearLayer.TransposeWithModifiedCopy(this, gradOutput, input, modifier);
        using var scope = NewDisposeScope();
        Tensor? sum = null;
        foreach (var (start, count) in RowBlocks())
        {
            using Tensor weight = modifier.Apply(Weight.narrow(0, start, count));
            using Tensor part = gradOutput.narrow(-1, start, count);
            if (sum is null) sum = CheckedMatMul.Of(part, weight);
            else
            {
                using Tensor product = CheckedMatMul.Of(part, weight);
                sum.PlusInPlace(product);
            }
        }
        return sum!.MoveToOuterDisposeScope();
    }

    /// <summary>(first row, rows) blocks of about <see cref="ModifiedBlockBytes"/> covering the weight's output units.</summary>
    private IEnumerable<(long start, long count)> RowBlocks()
    {
        long rows = Weight.shape[0], rowBytes = Math.Max(1, Weight.shape[1] * Weight.element_size());
        long perBlock = Math.Max(1, ModifiedBlockBytes / rowBytes);
        for (long start = 0; start < rows; start += perBlock) yield return (start, Math.Min(perBlock, rows - start));
    }

    public override Tensor? ForwardTangent(LayerTrace trace, IReadOnlyList<Tensor?> tangents) => ForwardWith(tangents[0]!, Weight, null);

    public override Layer CloneWith(Func<Tensor, Tensor> map) =>
        WithShapesOf(new Linear(Name, Inputs[0], Output, map(Weight), Bias is null ? null : map(Bias)));

    internal void SetParameters(Tensor weight, Tensor? bias)
    {
        Weight.Dispose();
        Bias?.Dispose();
        Weight = weight;
        Bias = bias;
    }
}
