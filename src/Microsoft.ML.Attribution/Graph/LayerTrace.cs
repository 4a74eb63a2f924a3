using static Microsoft.ML.Attribution.Torch.torch;

namespace Microsoft.ML.Attribution.Graph;

/// <summary>What a recorded forward pass kept for one layer: its inputs, its output and auxiliary data (pool indices).</summary>
public sealed class LayerTrace
{
    internal LayerTrace(Layer layer) => Layer = layer;

    public Layer Layer { get; }

    public IReadOnlyList<Tensor> Inputs { get; internal set; } = Array.Empty<Tensor>();

    public Tensor Output { get; internal set; } = null!;

    /// <summary>Argmax indices of a max-pool window (per H·W plane), when the layer is a max pool.</summary>
    public Tensor? Indices { get; set; }

    public Tensor Input => Inputs[0];

    /// <summary>Which inputs are network constants (they receive no relevance).</summary>
    public IReadOnlyList<bool> ConstantInputs { get; internal set; } = Array.Empty<bool>();

    public bool IsConstant(int input) => input < ConstantInputs.Count && ConstantInputs[input];
}
