using Microsoft.ML.Attribution.Graph;
using Microsoft.ML.Attribution.Graph.Layers;
using Microsoft.ML.Attribution.Tensors;
using static TorchSharp.torch;

namespace Microsoft.ML.Attribution.Rules;

/// <summary>
/// RSP's rule for pooling layers (the release's generic "simple" rule, methods.md §2.4): with X' = X + 1e-9 and
/// Z = pool(X'), R_in = X' ⊙ poolᵀ(R ⊘ Z) with safe division. For max pooling this hands the signed relevance to the
/// recorded winner unchanged; for average pooling it splits it in proportion to X'. The offset keeps all-zero windows
/// from swallowing relevance.
/// </summary>
public sealed class RspPoolRule(double offset = 1e-9) : IRule
{
    public double Offset { get; } = offset;

    public string Name => "rsp-pool";

    public bool AppliesTo(Layer layer) => layer is MaxPool2d or AvgPool2d or AdaptiveAvgPool2d;

    public Tensor[] Backward(LayerTrace trace, Tensor relevance)
    {
        using var scope = NewDisposeScope();
        Tensor shifted = trace.Input.Plus(Offset);
        Tensor z = trace.Layer.Forward([shifted], null);
        Tensor s = Stabilizer.SafeDivide(relevance, z);
        // The release splits R into its positive and negative parts first; the two quotients add back to this one.
        Tensor routed = trace.Layer.Backward(trace, s)[0];
        return [(shifted * routed).MoveToOuterDisposeScope()];
    }
}
