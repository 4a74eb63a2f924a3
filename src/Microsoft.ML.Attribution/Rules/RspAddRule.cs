using Microsoft.ML.Attribution.Graph;
using Microsoft.ML.Attribution.Graph.Layers;
using Microsoft.ML.Attribution.Tensors;
using static TorchSharp.torch;

namespace Microsoft.ML.Attribution.Rules;

/// <summary>
/// RSP's residual-sum rule (the release's Add, methods.md §2.4; used on the ResNet path, §2.7 [RECONSTRUCTED]): with
/// Xᵢ' = max(Xᵢ, 0) + 1e-9 and Z = X₁' + X₂', each branch receives Xᵢ' ⊙ (R ⊘ Z) — a split in proportion to the
/// positive parts that conserves relevance exactly.
/// </summary>
public sealed class RspAddRule(double offset = 1e-9) : IRule
{
    public double Offset { get; } = offset;

    public string Name => "rsp-add";

    public bool AppliesTo(Layer layer) => layer is Arithmetic { Op: ArithmeticOp.Add };

    public Tensor[] Backward(LayerTrace trace, Tensor relevance)
    {
        using var scope = NewDisposeScope();
        Tensor a = trace.Inputs[0], b = trace.Inputs[1];
        if (trace.IsConstant(0) || trace.IsConstant(1))
            return trace.IsConstant(0) ? [zeros_like(a).MoveToOuterDisposeScope(), relevance.alias().MoveToOuterDisposeScope()]
                                       : [relevance.alias().MoveToOuterDisposeScope(), zeros_like(b).MoveToOuterDisposeScope()];
        if (!a.shape.SequenceEqual(b.shape))
            throw new NotSupportedException($"RSP splits residual sums of equally shaped tensors; '{trace.Layer.Name}' adds {a.Describe()} and {b.Describe()}.");
        Tensor pa = a.AtLeast(0).Plus(Offset), pb = b.AtLeast(0).Plus(Offset);
        Tensor s = Stabilizer.SafeDivide(relevance, pa.Plus(pb));
        return [(pa * s).MoveToOuterDisposeScope(), (pb * s).MoveToOuterDisposeScope()];
    }
}
