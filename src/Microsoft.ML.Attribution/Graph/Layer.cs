using TorchSharp;
using Microsoft.ML.Attribution.Tensors;
using static TorchSharp.torch;

namespace Microsoft.ML.Attribution.Graph;

/// <summary>
/// One node of a <see cref="Network"/>: reads named values, writes one named value. Each kind defines its forward
/// and its plain input-gradient backward (no parameter gradients); attribution rules replace the backward per kind.
/// </summary>
public abstract class Layer : IDisposable
{
    protected Layer(string name, IReadOnlyList<string> inputs, string output)
    {
        Name = name;
        Inputs = inputs;
        Output = output;
    }

    /// <summary>The ONNX node name (or its output name when the node is unnamed).</summary>
    public string Name { get; internal set; }

    /// <summary>Names of the values this layer reads, in order.</summary>
    public IReadOnlyList<string> Inputs { get; internal set; }

    /// <summary>Name of the value this layer writes.</summary>
    public string Output { get; internal set; }

    /// <summary>Short kind name, e.g. "Conv2d".</summary>
    public virtual string Kind => GetType().Name;

    /// <summary>Shape of the output for one sample (batch dimension excluded), inferred at import.</summary>
    public long[] OutputShape { get; internal set; } = Array.Empty<long>();

    /// <summary>Per-sample shapes of the inputs, inferred at import.</summary>
    public IReadOnlyList<long[]> InputShapes { get; internal set; } = Array.Empty<long[]>();

    /// <summary>Named parameter tensors (weights, biases, statistics) this layer owns.</summary>
    public virtual IEnumerable<(string name, Tensor value)> Parameters => Array.Empty<(string, Tensor)>();

    public long ParameterCount => Parameters.Sum(p => p.value.numel());

    /// <summary>Computes the output. When <paramref name="trace"/> is given, stores what the backward rules need (e.g. pool indices).</summary>
    public abstract Tensor Forward(IReadOnlyList<Tensor> inputs, LayerTrace? trace);

    /// <summary>
    /// The gradient with respect to each input given the gradient of the output (vector-Jacobian product).
    /// Default: libtorch autograd on a recomputation; kinds on the hot path override it with explicit ops.
    /// </summary>
    public virtual Tensor[] Backward(LayerTrace trace, Tensor gradOutput) => BackwardThroughAutograd(trace, gradOutput, createGraph: false);

    /// <summary>
    /// The vector-Jacobian product by autograd on a recomputation of this layer from detached copies of its recorded inputs;
    /// integer inputs (indices, shapes) get zeros. With <paramref name="createGraph"/> the result is itself differentiable.
    /// </summary>
    internal Tensor[] BackwardThroughAutograd(LayerTrace trace, Tensor gradOutput, bool createGraph)
    {
        using var grad = enable_grad();
        Tensor[] leaves = trace.Inputs.Select(t => t.detach().requires_grad_(t.dtype is ScalarType.Float32 or ScalarType.Float64)).ToArray();
        try
        {
            using Tensor output = Forward(leaves, null);
            Tensor[] grads = SafeAutograd.Grad([output], leaves.Where(l => l.requires_grad).ToArray(), [gradOutput], createGraph: createGraph, allowUnused: true);
            var result = new Tensor[leaves.Length];
            for (int i = 0, j = 0; i < leaves.Length; i++)
                result[i] = leaves[i].requires_grad ? grads[j++] : zeros_like(leaves[i]);
            return result;
        }
        finally
        {
            foreach (Tensor leaf in leaves) leaf.Dispose();
        }
    }

    /// <summary>
    /// Forward mode: the layer's Jacobian at the recorded point applied to tangents of its inputs (null = a zero tangent,
    /// as a constant has) — the adjoint of <see cref="Backward"/>. Null when the layer has no closed form here; callers
    /// then fall back to autograd.
    /// </summary>
    public virtual Tensor? ForwardTangent(LayerTrace trace, IReadOnlyList<Tensor?> tangents) => null;

    /// <summary>
    /// A deep copy (parameters copied) with the same wiring. The copies belong to the layer, not to any open dispose
    /// scope: canonized networks are built lazily inside a method's scope and must outlive it.
    /// </summary>
    public Layer Clone() => CloneWith(t => t.clone().DetachFromDisposeScope());

    /// <summary>A copy with the same wiring whose parameters are <paramref name="map"/>(each parameter); used to copy, convert or move.</summary>
    public abstract Layer CloneWith(Func<Tensor, Tensor> map);

    public override string ToString() => $"{Kind} '{Name}' [{string.Join(",", OutputShape)}]";

    public virtual void Dispose()
    {
        foreach (var (_, value) in Parameters) value.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>Copies inferred shapes onto a clone.</summary>
    protected T WithShapesOf<T>(T clone) where T : Layer
    {
        clone.OutputShape = OutputShape;
        clone.InputShapes = InputShapes;
        return clone;
    }

    /// <summary>Sums a broadcast gradient back to <paramref name="shape"/> (the inverse of numpy broadcasting).</summary>
    protected static Tensor Unbroadcast(Tensor grad, long[] shape)
    {
        long[] g = grad.shape;
        if (g.SequenceEqual(shape)) return grad.alias();
        int lead = g.Length - shape.Length;
        var dims = new List<long>();
        for (int i = 0; i < g.Length; i++)
            if (i < lead || (shape[i - lead] == 1 && g[i] != 1)) dims.Add(i);
        using Tensor summed = grad.sum(dims.ToArray(), keepdim: true);
        return summed.reshape(shape);
    }
}
