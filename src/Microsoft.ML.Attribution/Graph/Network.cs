using Microsoft.ML.Attribution.Graph.Layers;
using TorchSharp;
using Microsoft.ML.Attribution.Tensors;
using static TorchSharp.torch;

namespace Microsoft.ML.Attribution.Graph;

/// <summary>
/// A directed acyclic graph of <see cref="Layer"/>s in topological order, with named inputs, outputs and constants.
/// Runs forward (optionally recording a <see cref="Tape"/> for the backward rules). The batch dimension is free.
/// </summary>
public sealed class Network : IDisposable
{
    private readonly Layer[] _layers;
    private readonly Dictionary<string, int> _indexByName;
    private readonly Dictionary<string, Tensor> _constants;
    private readonly Dictionary<string, int> _lastUse; // value name → index of the last layer reading it
    private readonly Dictionary<string, int> _readers; // value name → how many layers read it
    private readonly Dictionary<string, int> _producerIndex; // value name → index of the layer writing it

    public Network(IEnumerable<Layer> layers, IReadOnlyList<GraphInput> inputs, IReadOnlyList<string> outputs,
        IReadOnlyDictionary<string, Tensor>? constants = null)
    {
        Runtime.TorchSharpRuntime.EnsureLoaded();
        _layers = layers.ToArray();
        Inputs = inputs;
        OutputNames = outputs;
        _constants = constants?.ToDictionary(kv => kv.Key, kv => kv.Value) ?? new();
        if (outputs.Count == 0) throw new ArgumentException("A network needs at least one output.", nameof(outputs));

        _indexByName = new Dictionary<string, int>();
        var known = new HashSet<string>(inputs.Select(i => i.Name).Concat(_constants.Keys));
        _lastUse = new Dictionary<string, int>();
        _readers = new Dictionary<string, int>();
        _producerIndex = new Dictionary<string, int>();
        for (int i = 0; i < _layers.Length; i++)
        {
            Layer layer = _layers[i];
            if (!_indexByName.TryAdd(layer.Name, i))
                throw new ArgumentException($"Two layers are named '{layer.Name}'; layer names must be unique.", nameof(layers));
            foreach (string input in layer.Inputs)
            {
                if (!known.Contains(input))
                    throw new ArgumentException($"Layer '{layer.Name}' reads '{input}', which is neither an input, a constant, nor the output of an earlier layer.", nameof(layers));
                _lastUse[input] = i;
            }
            foreach (string input in layer.Inputs.Distinct())
                _readers[input] = _readers.GetValueOrDefault(input) + 1;
            if (!known.Add(layer.Output))
                throw new ArgumentException($"Value '{layer.Output}' is written twice (by layer '{layer.Name}').", nameof(layers));
            _producerIndex[layer.Output] = i;
        }
        foreach (string output in outputs)
            if (!known.Contains(output)) throw new ArgumentException($"Output '{output}' is not produced by the network.", nameof(outputs));

        // Methods explain the scores before a final softmax (and Network.Forward still returns what the model returns).
        Layer? last = ProducerOf(outputs[0]);
        OutputActivation = last as Softmax;
        LogitsName = OutputActivation?.Inputs[0] ?? outputs[0];
    }

    public IReadOnlyList<GraphInput> Inputs { get; }

    /// <summary>Things the importer accepted but wants you to know (e.g. a training-mode dropout evaluated as identity).</summary>
    public IReadOnlyList<string> Warnings { get; init; } = Array.Empty<string>();

    public IReadOnlyList<string> InputNames => Inputs.Select(i => i.Name).ToArray();

    public IReadOnlyList<string> OutputNames { get; }

    public IReadOnlyList<Layer> Layers => _layers;

    /// <summary>Named constant values (initializers not owned by a layer), e.g. the operand of an x·c node.</summary>
    public IReadOnlyDictionary<string, Tensor> Constants => _constants;

    /// <summary>The final Softmax/LogSoftmax, when the model ends in one (methods explain its input).</summary>
    public Softmax? OutputActivation { get; }

    /// <summary>The value holding the pre-softmax class scores.</summary>
    public string LogitsName { get; }

    public bool IsConstant(string valueName) => _constants.ContainsKey(valueName);

    public int IndexOf(string layerName) =>
        _indexByName.TryGetValue(layerName, out int i) ? i :
        throw new KeyNotFoundException($"No layer named '{layerName}'. Layers: {string.Join(", ", _layers.Take(12).Select(l => l.Name))}{(_layers.Length > 12 ? ", …" : "")}.");

    public Layer this[string layerName] => _layers[IndexOf(layerName)];

    public bool Contains(string layerName) => _indexByName.ContainsKey(layerName);

    /// <summary>The layer writing <paramref name="valueName"/>, or null for inputs and constants.</summary>
    public Layer? ProducerOf(string valueName) => _producerIndex.TryGetValue(valueName, out int i) ? _layers[i] : null;

    /// <summary>Layers reading <paramref name="valueName"/>.</summary>
    public IEnumerable<Layer> ConsumersOf(string valueName) => _layers.Where(l => l.Inputs.Contains(valueName));

    /// <summary>Layers whose name matches exactly, or (when none does) contains <paramref name="pattern"/>.</summary>
    public IReadOnlyList<Layer> Select(string pattern)
    {
        if (_indexByName.TryGetValue(pattern, out int exact)) return [_layers[exact]];
        return _layers.Where(l => l.Name.Contains(pattern, StringComparison.Ordinal)).ToArray();
    }

    public IReadOnlyList<LayerInfo> Summary() =>
        _layers.Select((l, i) => new LayerInfo(i, l.Name, l.Kind, l.Inputs, l.OutputShape, l.ParameterCount)).ToArray();

    public long ParameterCount => _layers.Sum(l => l.ParameterCount) + _constants.Values.Sum(c => c.numel());

    /// <summary>
    /// The default layer for CAM methods: the last spatial (H·W &gt; 1) activation at or after the last convolution
    /// that is not a pooling step — VGG's last ReLU (features.29), ResNet's last block output.
    /// </summary>
    public Layer LastConvolutionalBlock
    {
        get
        {
            int lastConv = Array.FindLastIndex(_layers, l => l is Conv2d);
            if (lastConv < 0) throw new InvalidOperationException("The network has no convolution, so it has no convolutional block for CAM methods.");
            for (int i = _layers.Length - 1; i >= lastConv; i--)
            {
                Layer l = _layers[i];
                if (l is MaxPool2d or AvgPool2d or AdaptiveAvgPool2d) continue;
                if (l.OutputShape.Length == 3 && l.OutputShape[1] * l.OutputShape[2] > 1) return l;
            }
            return _layers[lastConv];
        }
    }

    /// <summary>The layer that computes the class scores (a Linear, or a 1×1 Conv in fully-convolutional heads).</summary>
    public Layer Classifier
    {
        get
        {
            string value = LogitsName;
            while (ProducerOf(value) is { } producer)
            {
                if (producer is Linear or Conv2d or Gemm) return producer;
                if (producer.Inputs.Count != 1) break;
                value = producer.Inputs[0];
            }
            throw new InvalidOperationException($"No Linear/Conv layer computes the scores '{LogitsName}'.");
        }
    }

    /// <summary>Runs a single-input network and returns its first output.</summary>
    public Tensor Forward(Tensor input)
    {
        RequireSingleInput();
        Dictionary<string, Tensor> outputs = Run(new Dictionary<string, Tensor> { [Inputs[0].Name] = input }, null, [OutputNames[0]]);
        return outputs[OutputNames[0]];
    }

    /// <summary>Runs a single-input network and returns the pre-softmax scores.</summary>
    public Tensor ForwardLogits(Tensor input)
    {
        RequireSingleInput();
        return Run(new Dictionary<string, Tensor> { [Inputs[0].Name] = input }, null, [LogitsName])[LogitsName];
    }

    /// <summary>Runs the network on named inputs and returns every output by name.</summary>
    public Dictionary<string, Tensor> Forward(IReadOnlyDictionary<string, Tensor> inputs) => Run(inputs, null, OutputNames);

    /// <summary>Every value of an unrecorded forward (input, layer outputs), dense, by name.</summary>
    internal Dictionary<string, Tensor> ForwardAll(Tensor input)
    {
        RequireSingleInput();
        return Run(new Dictionary<string, Tensor> { [Inputs[0].Name] = input }, null, _layers.Select(l => l.Output).Prepend(Inputs[0].Name).ToArray());
    }

    /// <summary>
    /// Runs the layers from <paramref name="firstLayer"/> on, given every earlier value they read (and the graph inputs),
    /// and returns <paramref name="wanted"/>.
    /// </summary>
    internal Dictionary<string, Tensor> ForwardFrom(IReadOnlyDictionary<string, Tensor> values, int firstLayer, IReadOnlyList<string> wanted) =>
        Run(values, null, wanted, firstLayer);

    /// <summary>Index of the last layer reading <paramref name="valueName"/> (−1 when none does).</summary>
    internal int LastReaderOf(string valueName) => _lastUse.TryGetValue(valueName, out int i) ? i : -1;

    /// <summary>Runs forward and keeps everything the backward rules need.</summary>
    public Tape Record(Tensor input)
    {
        RequireSingleInput();
        return Record(new Dictionary<string, Tensor> { [Inputs[0].Name] = input });
    }

    public Tape Record(IReadOnlyDictionary<string, Tensor> inputs)
    {
        var traces = new LayerTrace[_layers.Length];
        Dictionary<string, Tensor> values = Run(inputs, traces, OutputNames);
        return new Tape(this, values, traces);
    }

    /// <summary>
    /// A recorded forward for gradient backward passes only (<see cref="Rules.GradientRule"/> on every layer): a ReLU that is
    /// the only reader of a convolution's, linear layer's, batch norm's or element-wise step's output rectifies it in place,
    /// as the unrecorded forward does — none of those layers' gradients reads its output, and the ReLU's gate reads only its
    /// own output. Saves a pass and a tensor per ReLU (ResNet50: 49). Reading an overwritten value from the tape (its producer's
    /// output, the ReLU's input) throws. With autograd on it records as <see cref="Record(Tensor)"/> does: an in-place step
    /// would invalidate what autograd saved.
    /// </summary>
    public Tape RecordForGradients(Tensor input)
    {
        RequireSingleInput();
        if (is_grad_enabled()) return Record(input);
        var traces = new LayerTrace[_layers.Length];
        var rectified = new HashSet<string>();
        Dictionary<string, Tensor> values = Run(new Dictionary<string, Tensor> { [Inputs[0].Name] = input }, traces, OutputNames, rectified: rectified);
        return new Tape(this, values, traces, rectifiedInPlace: rectified);
    }

    /// <summary>
    /// Records only the layers after <paramref name="fromValue"/>: the layers up to its producer run as a plain forward
    /// (the fast unrecorded path), so a backward pass can reach <paramref name="fromValue"/> but not go below it — what
    /// layer-gradient methods (Grad-CAM, Grad-CAM++) need. The tape holds the input, <paramref name="fromValue"/>, every
    /// earlier value a recorded layer reads, and everything computed after.
    /// </summary>
    public Tape RecordFrom(Tensor input, string fromValue)
    {
        RequireSingleInput();
        Layer? producer = ProducerOf(fromValue);
        if (producer is null)
        {
            if (IsConstant(fromValue) || !InputNames.Contains(fromValue))
                throw new ArgumentException($"'{fromValue}' is not a value computed by the network.", nameof(fromValue));
            return Record(input);
        }
        int cut = IndexOf(producer.Name);
        var computedBefore = new HashSet<string>(_layers.Take(cut + 1).Select(l => l.Output));
        string[] needed = _layers.Skip(cut + 1).SelectMany(l => l.Inputs).Where(computedBefore.Contains)
            .Append(fromValue).Distinct().ToArray();
        var given = new Dictionary<string, Tensor> { [Inputs[0].Name] = input };
        Dictionary<string, Tensor> prefix = Run(given, null, needed, lastLayer: cut);
        try
        {
            foreach (var (name, value) in prefix) given[name] = value;
            var traces = new LayerTrace[_layers.Length];
            Dictionary<string, Tensor> values = Run(given, traces, OutputNames, firstLayer: cut + 1);
            return new Tape(this, values, traces, firstRecorded: cut + 1);
        }
        finally
        {
            foreach (Tensor t in prefix.Values) t.Dispose();
        }
    }

    private void RequireSingleInput()
    {
        if (Inputs.Count != 1)
            throw new InvalidOperationException($"The network has {Inputs.Count} inputs ({string.Join(", ", InputNames)}); pass them by name.");
    }

    /// <summary>
    /// Runs layers <paramref name="firstLayer"/>..<paramref name="lastLayer"/>. Entries of <paramref name="inputs"/> that are not
    /// graph inputs are values an earlier partial run computed.
    /// </summary>
    private Dictionary<string, Tensor> Run(IReadOnlyDictionary<string, Tensor> inputs, LayerTrace[]? traces, IReadOnlyList<string> wanted,
        int firstLayer = 0, int lastLayer = int.MaxValue, HashSet<string>? rectified = null)
    {
        bool record = traces != null;
        var values = new Dictionary<string, Tensor>();
        try
        {
            foreach (GraphInput input in Inputs)
            {
                if (!inputs.TryGetValue(input.Name, out Tensor? given))
                    throw new ArgumentException($"Missing input '{input.Name}' (expected {input}).");
                CheckInput(input, given);
                values[input.Name] = given.alias();
            }
            foreach (var (name, precomputed) in inputs)
                if (!values.ContainsKey(name)) values[name] = precomputed.alias();
            string? stopAt = wanted.Count == 1 ? wanted[0] : null;
            for (int i = firstLayer; i < _layers.Length && i <= lastLayer; i++)
            {
                Layer layer = _layers[i];
                var args = new Tensor[layer.Inputs.Count];
                for (int j = 0; j < args.Length; j++)
                    args[j] = values.TryGetValue(layer.Inputs[j], out Tensor? v) ? v : _constants[layer.Inputs[j]];
                LayerTrace? trace = record
                    ? new LayerTrace(layer) { Inputs = args, ConstantInputs = layer.Inputs.Select(_constants.ContainsKey).ToArray() }
                    : null;
                Tensor output;
                LayerProfile.Mark started = LayerProfile.Now();
                if (!record && layer is Relu && CanOverwrite(layer.Inputs[0], i, wanted) && !inputs.ContainsKey(layer.Inputs[0]))
                {
                    // Nothing reads the input after this ReLU: rectify it in place (as torchvision's inplace ReLU does).
                    values.Remove(layer.Inputs[0], out Tensor? reused);
                    output = reused!.relu_();
                }
                else if (rectified != null && layer is Relu && CanRectifyRecorded(layer.Inputs[0], i, firstLayer, inputs, out int producer))
                {
                    // A gradient-only tape: the producer's backward never reads its output (see RecordForGradients).
                    values.Remove(layer.Inputs[0], out Tensor? reused);
                    output = reused!.relu_();
                    traces![producer].MarkOutputRectified(layer.Name);
                    trace!.MarkInputRectified();
                    rectified.Add(layer.Inputs[0]);
                }
                else
                {
                    output = layer.Forward(args, trace);
                }
                LayerProfile.Add(started, record ? "record" : "forward", layer);
                if (trace != null)
                {
                    trace.Output = output;
                    traces![i] = trace;
                }
                values[layer.Output] = output;
                if (!record)
                {
                    if (layer.Output == stopAt) break;
                    DisposeDeadInputs(layer, i, values, wanted);
                }
            }
            if (record)
            {
                foreach (Tensor t in values.Values) t.DetachFromDisposeScope();
                foreach (LayerTrace? t in traces!) t?.Indices?.DetachFromDisposeScope();
                return values;
            }
            var result = new Dictionary<string, Tensor>();
            foreach (string name in wanted)
                result[name] = values.Remove(name, out Tensor? v) ? v : _constants.TryGetValue(name, out Tensor? c) ? c.alias() : inputs[name].alias();
            foreach (Tensor t in values.Values) t.Dispose();
            return result;
        }
        catch
        {
            foreach (Tensor t in values.Values) t.Dispose();
            if (traces != null) foreach (LayerTrace? t in traces) t?.Indices?.Dispose();
            throw;
        }
    }

    /// <summary>Frees the values whose last reader was layer <paramref name="index"/>.</summary>
    private void DisposeDeadInputs(Layer layer, int index, Dictionary<string, Tensor> values, IReadOnlyList<string> wanted)
    {
        foreach (string name in layer.Inputs.Distinct())
            if (_lastUse.TryGetValue(name, out int last) && last == index && !wanted.Contains(name) && values.Remove(name, out Tensor? dead))
                dead.Dispose();
    }

    /// <summary>
    /// Whether a recorded ReLU (layer <paramref name="index"/>) may rectify <paramref name="value"/> in place for a gradient-only
    /// tape: it is the only reader, and the value is the output of a layer recorded in this run whose gradient does not read it.
    /// </summary>
    private bool CanRectifyRecorded(string value, int index, int firstLayer, IReadOnlyDictionary<string, Tensor> inputs, out int producer) =>
        _producerIndex.TryGetValue(value, out producer) && producer >= firstLayer && producer < index
        && _readers.GetValueOrDefault(value) == 1 && !inputs.ContainsKey(value) && !OutputNames.Contains(value) && value != LogitsName
        && _layers[producer] is Conv2d or Linear or Gemm or BatchNorm or Arithmetic;

    /// <summary>A computed value whose last reader is layer <paramref name="index"/> and that the caller does not want back.</summary>
    private bool CanOverwrite(string value, int index, IReadOnlyList<string> wanted) =>
        !_constants.ContainsKey(value) && !Inputs.Any(i => i.Name == value) && _lastUse.TryGetValue(value, out int last) && last == index && !wanted.Contains(value);

    private static void CheckInput(GraphInput input, Tensor given)
    {
        long[] shape = given.shape;
        bool rankOk = shape.Length == input.Shape.Length + 1;
        bool dimsOk = rankOk && input.Shape.Select((d, k) => d < 0 || d == shape[k + 1]).All(ok => ok);
        if (!dimsOk)
            throw new ArgumentException($"Input '{input.Name}' must have shape [N,{string.Join(",", input.Shape.Select(d => d < 0 ? "?" : d.ToString()))}], got [{string.Join(",", shape)}].");
        if (given.dtype != input.DType)
            throw new ArgumentException($"Input '{input.Name}' must be {input.DType.ToString().ToLowerInvariant()}, got {given.dtype.ToString().ToLowerInvariant()}.");
    }

    /// <summary>A deep copy: parameters and constants are copied, so changing one never affects the other.</summary>
    public Network Clone() => Map(t => t.clone());

    /// <summary>A copy with every floating-point parameter and constant converted (e.g. to float64 for exact tests).</summary>
    public Network To(ScalarType dtype) =>
        Map(t => t.dtype is ScalarType.Float32 or ScalarType.Float64 ? t.to(dtype, copy: true) : t.clone(), dtype);

    /// <summary>Where the parameters live (the CPU for a network without any).</summary>
    public ComputeDevice Device =>
        _layers.SelectMany(l => l.Parameters).Select(p => p.value).Concat(_constants.Values).Select(t => (ComputeDevice?)ComputeDevice.Of(t)).FirstOrDefault()
        ?? ComputeDevice.Cpu;

    /// <summary>A copy on another device. CUDA throws a clear NotSupportedException when unavailable.</summary>
    public Network To(ComputeDevice device)
    {
        device.EnsureAvailable();
        return Map(t => t.to(device, copy: true));
    }

    /// <summary>A copy whose layers are replaced by <paramref name="replace"/> (null keeps the layer); wiring must stay valid.</summary>
    public Network WithLayers(Func<Layer, int, Layer?> replace)
    {
        var layers = _layers.Select((l, i) => replace(l, i) ?? l.Clone()).ToArray();
        return new Network(layers, Inputs, OutputNames, _constants.ToDictionary(kv => kv.Key, kv => kv.Value.clone().DetachFromDisposeScope()));
    }

    private Network Map(Func<Tensor, Tensor> map, ScalarType? inputType = null)
    {
        Tensor Detached(Tensor t) => map(t).DetachFromDisposeScope();
        var layers = _layers.Select(l => l.CloneWith(Detached)).ToArray();
        var inputs = inputType is { } type
            ? Inputs.Select(i => i.DType is ScalarType.Float32 or ScalarType.Float64 ? i with { DType = type } : i).ToArray()
            : Inputs;
        return new Network(layers, inputs, OutputNames, _constants.ToDictionary(kv => kv.Key, kv => Detached(kv.Value)));
    }

    /// <summary>
    /// Re-initializes a layer's weights in place from N(0, σ²) with a seeded generator, and its biases to zero
    /// unless <paramref name="biasesToo"/> (then N(0, σ²) as well) — the step of cascading randomization.
    /// Batch norm's running statistics are not re-initialized (a random variance could be negative).
    /// </summary>
    public void ReinitializeParameters(string layerName, double sigma, long seed, bool biasesToo = false)
    {
        if (!(sigma >= 0)) throw new ArgumentOutOfRangeException(nameof(sigma), sigma, "σ must be non-negative.");
        Layer layer = this[layerName];
        using var generator = RandomGenerators.FromSeed(seed);
        // TorchSharp's zero_() returns a second handle to the tensor: the scope frees it, not the finalizer.
        using DisposeScope scope = NewDisposeScope();
        foreach (var (name, value) in layer.Parameters)
        {
            if (name is "weight" || (name is "bias" && biasesToo)) value.normal_(0, sigma, generator);
            else if (name is "bias") value.zero_();
        }
    }

    public void Dispose()
    {
        foreach (Layer layer in _layers) layer.Dispose();
        foreach (Tensor c in _constants.Values) c.Dispose();
    }

    public override string ToString() =>
        $"Network: {string.Join(", ", Inputs)} → {string.Join(", ", OutputNames)}; {_layers.Length} layers, {ParameterCount:N0} parameters";
}
