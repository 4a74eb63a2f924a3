using Microsoft.ML.Attribution.Tensors;
using static TorchSharp.torch;

namespace Microsoft.ML.Attribution.Graph;

/// <summary>What a recorded forward pass kept for one layer: its inputs, its output and auxiliary data (pool indices).</summary>
public sealed class LayerTrace
{
    internal LayerTrace(Layer layer) => Layer = layer;

    public Layer Layer { get; }

    public IReadOnlyList<Tensor> Inputs
    {
        get => _inputsRectified ? throw Overwritten($"the input of ReLU '{Layer.Name}'") : _inputs;
        internal set => _inputs = value;
    }

    public Tensor Output
    {
        get => _rectifiedBy is null ? _output : throw Overwritten($"the output of '{Layer.Name}' (rectified by ReLU '{_rectifiedBy}')");
        internal set => _output = value;
    }

    private IReadOnlyList<Tensor> _inputs = Array.Empty<Tensor>();
    private Tensor _output = null!;
    private string? _rectifiedBy;
    private bool _inputsRectified;

    /// <summary>A gradient-only tape (<see cref="Network.RecordForGradients"/>) let ReLU <paramref name="relu"/> overwrite this output.</summary>
    internal void MarkOutputRectified(string relu) => _rectifiedBy = relu;

    /// <summary>This ReLU rectified its input in place: the input now holds the output.</summary>
    internal void MarkInputRectified() => _inputsRectified = true;

    private InvalidOperationException Overwritten(string what) => new(
        $"The tape was recorded for gradients only (Network.RecordForGradients), which overwrote {what} in place; record with Network.Record for rules that read it.");

    /// <summary>Argmax indices of a max-pool window (per H·W plane), when the layer is a max pool.</summary>
    public Tensor? Indices { get; set; }

    public Tensor Input => Inputs[0];

    /// <summary>Which inputs are network constants (they receive no relevance).</summary>
    public IReadOnlyList<bool> ConstantInputs { get; internal set; } = Array.Empty<bool>();

    public bool IsConstant(int input) => input < ConstantInputs.Count && ConstantInputs[input];

    private Dictionary<(object Owner, string Key), Tensor>? _cache;

    /// <summary>Whether <see cref="GetOrAdd"/> keeps what it computes (set through <see cref="Tape.KeepsDerivedValues"/>).</summary>
    internal bool KeepsDerived { get; set; }

    /// <summary>
    /// A tensor derived from this trace alone (e.g. a rule's modified forward z = W⁺x + b⁺). When the tape keeps derived values
    /// (<see cref="Tape.KeepsDerivedValues"/>: methods that propagate several seeds over one recorded pass, such as CLRP and
    /// SGLRP) it is computed once per tape and the tape disposes it; otherwise it is computed afresh and the caller owns it.
    /// <paramref name="owner"/> and <paramref name="key"/> identify what was computed (the layer view and the rule's variant).
    /// </summary>
    public Tensor GetOrAdd(object owner, string key, Func<Tensor> compute)
    {
        if (!KeepsDerived) return compute();
        _cache ??= new();
        if (_cache.TryGetValue((owner, key), out Tensor? cached)) return cached;
        Tensor value = compute().DetachFromDisposeScope();
        _cache[(owner, key)] = value;
        return value;
    }

    internal void DisposeCache()
    {
        if (_cache is null) return;
        foreach (Tensor t in _cache.Values) t.Dispose();
        _cache = null;
    }
}
