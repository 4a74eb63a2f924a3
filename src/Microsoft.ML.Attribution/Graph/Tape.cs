using Microsoft.ML.Attribution.Tensors;
using static TorchSharp.torch;

namespace Microsoft.ML.Attribution.Graph;

/// <summary>
/// A recorded forward pass: every value the network computed (by name) and one <see cref="LayerTrace"/> per layer.
/// Owns its tensors (they are detached from any dispose scope); dispose the tape when done.
/// </summary>
public sealed class Tape : IDisposable
{
    private readonly Dictionary<string, Tensor> _values;
    private readonly LayerTrace[] _traces;

    private readonly IReadOnlySet<string> _rectifiedInPlace;

    internal Tape(Network network, Dictionary<string, Tensor> values, LayerTrace[] traces, int firstRecorded = 0,
        IReadOnlySet<string>? rectifiedInPlace = null)
    {
        Network = network;
        _values = values;
        _traces = traces;
        FirstRecorded = firstRecorded;
        _rectifiedInPlace = rectifiedInPlace ?? new HashSet<string>();
    }

    /// <summary>Whether ReLUs rectified recorded values in place (<see cref="Network.RecordForGradients"/>): only gradient rules can read this tape.</summary>
    public bool GradientsOnly => _rectifiedInPlace.Count > 0;

    /// <summary>Index of the first recorded layer: 0, or the layer after the value <see cref="Network.RecordFrom"/> started at.</summary>
    public int FirstRecorded { get; }

    public Network Network { get; }

    /// <summary>The traced input (the single image input of a classifier).</summary>
    public Tensor Input => _values[Network.InputNames[0]];

    /// <summary>The pre-softmax scores (see <see cref="Network.LogitsName"/>).</summary>
    public Tensor Logits => _values[Network.LogitsName];

    /// <summary>The network's first output as exported (probabilities when the model ends in a softmax).</summary>
    public Tensor Output => _values[Network.OutputNames[0]];

    /// <summary>One trace per layer; null for the layers before <see cref="FirstRecorded"/>.</summary>
    public IReadOnlyList<LayerTrace?> Traces => _traces;

    public LayerTrace this[int layerIndex] => _traces[layerIndex] ?? throw new InvalidOperationException(
        $"Layer '{Network.Layers[layerIndex].Name}' ran before the recorded part of this tape (it starts at layer {FirstRecorded}); "
        + "a backward pass through it needs a full Network.Record.");

    public LayerTrace this[string layerName] => this[Network.IndexOf(layerName)];

    /// <summary>
    /// Whether rules keep what they derive from this tape's traces (modified forwards such as W⁺x + b⁺) until it is disposed:
    /// worth it for several propagations over one tape (CLRP's two, SGLRP's), dead weight for one (VGG16's z⁺ at batch 2:
    /// ~110 MB). Off by default.
    /// </summary>
    public bool KeepsDerivedValues
    {
        get => _keepsDerived;
        set
        {
            _keepsDerived = value;
            foreach (LayerTrace? trace in _traces)
                if (trace is not null) trace.KeepsDerived = value;
        }
    }

    private bool _keepsDerived;

    /// <summary>The value with this name (a graph input, a layer output or a constant).</summary>
    public Tensor Value(string name) =>
        _values.TryGetValue(name, out Tensor? v) ? v :
        Network.Constants.TryGetValue(name, out Tensor? c) ? c :
        _rectifiedInPlace.Contains(name)
            ? throw new InvalidOperationException($"'{name}' was rectified in place by the ReLU reading it: the tape was recorded for gradients only (Network.RecordForGradients).")
            : throw new KeyNotFoundException($"The tape holds no value named '{name}'.");

    public void Dispose()
    {
        foreach (LayerTrace? trace in _traces)
        {
            trace?.Indices?.Dispose();
            trace?.DisposeCache();
        }
        foreach (Tensor t in _values.Values) t.Dispose();
        _values.Clear();
    }
}
