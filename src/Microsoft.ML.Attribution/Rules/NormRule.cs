using Microsoft.ML.Attribution.Graph;
using Microsoft.ML.Attribution.Graph.Layers;
using Microsoft.ML.Attribution.Tensors;
using static TorchSharp.torch;

namespace Microsoft.ML.Attribution.Rules;

/// <summary>
/// The z-rule through a layer's own gradient: R_in,i = x_i ⊙ ∂z/∂x_iᵀ(R / stab(z)). For average pooling this is the
/// LRP z-rule; for a residual Add it splits relevance in proportion to each branch's value (Zennit's Norm).
/// A product of two computed values gives each factor half, so relevance is conserved.
/// </summary>
public sealed class NormRule(double stabilizer = 1e-6) : IRule
{
    public double Stabilizer { get; } = stabilizer;

    public string Name => "norm";

    public bool AppliesTo(Layer layer) => layer is AvgPool2d or AdaptiveAvgPool2d or Arithmetic or MaxPool2d or Concat or Reshape;

    public Tensor[] Backward(LayerTrace trace, Tensor relevance)
    {
        using var scope = NewDisposeScope();
        Tensor s = Rules.Stabilizer.Divide(relevance, trace.Output, Stabilizer);
        Tensor[] grads = trace.Layer.Backward(trace, s);
        bool bothComputed = trace.Inputs.Count == 2 && !trace.IsConstant(0) && !trace.IsConstant(1);
        var result = new Tensor[grads.Length];
        for (int i = 0; i < grads.Length; i++)
        {
            Tensor r = trace.Inputs[i] * grads[i];
            // x·c or x/c pass R to x unchanged; a·b would give R to each factor, a/b R and −R: keep the total at R.
            if (bothComputed && trace.Layer is Arithmetic { Op: ArithmeticOp.Mul }) r = r.Times(0.5);
            if (bothComputed && trace.Layer is Arithmetic { Op: ArithmeticOp.Div }) r = i == 0 ? relevance.alias() : zeros_like(r);
            result[i] = r.MoveToOuterDisposeScope();
        }
        return result;
    }
}
