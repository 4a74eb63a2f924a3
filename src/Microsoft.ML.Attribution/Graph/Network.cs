using Microsoft.ML.Attribution.Graph.Layers;
using Microsoft.ML.Attribution.Torch;
using static Microsoft.ML.Attribution.Torch.torch;

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

    public Network(IEnumerable<Layer> layers, IReadOnlyList<GraphInput> inputs, IReadOnlyList<string> outputs,
        IReadOnlyDictionary<string, Tensor>? constants = null)
    {
        _layers = layers.ToArray();
        Inputs = inputs;
        OutputNames = outputs;
        _constants = constants?.ToDictionary(kv => kv.Key, kv => kv.Value) ?? new();
        if (outputs.Count == 0) throw new ArgumentException("A network needs at least one output.", nameof(outputs));

        _indexByName = new Dictionary<string, int>();
        var known = new HashSet<string>(inputs.Select(i => i.Name).Concat(_constants.Keys));
        _lastUse = new Dictionary<string, int>();
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
            if (!known.Add(layer.Output))
                throw new ArgumentException($"Value '{layer.Output}' is written twice (by layer '{layer.Name}').", nameof(layers));
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

    /// <summary>
    /// Unrecorded float32 CPU forwards (scores of perturbed inputs, Score-CAM, RISE, Occlusion, metrics, the CAM methods'
    /// layers before their cut) keep activations in oneDNN's nChw16c layout and run convolutions through oneDNN with
    /// weights packed once: 1.2–3× faster than the dense path; values agree to float rounding. Recorded forwards (a
    /// <see cref="Tape"/>) always run dense. Set false to run every forward dense.
    /// </summary>
    public bool UseBlockedLayout { get; set; } = true;

    /// <summary>
    /// Whether the blocked forwards' 3×3 stride-1 convolutions use oneDNN's Winograd kernels (F(4×4, 3×3)): about 2×
    /// faster than direct convolution on VGG-style layers, with a relative error near 3·10⁻⁶ per layer instead of
    /// ~10⁻⁷ (measured on random 256-channel layers). Set false for direct convolutions.
    /// </summary>
    public bool UseWinograd
    {
        get => _useWinograd;
        set
        {
            _useWinograd = value;
            ShareWinogradSetting();
        }
    }

    /// <summary>
    /// Whether input-gradient passes — the transposed convolutions of the gradient and of every rule that transposes a
    /// layer with its own weights (LRP-0/ε, guided, deconv, RSP's gradients, …) — run qualifying convolutions (3×3,
    /// stride 1, one group, channel counts dividing by 16, float32 CPU) through oneDNN's Winograd kernels: about 2×
    /// faster per such layer; so do LRP rules' forwards and transposes with modified weights (W⁺, W⁻, …), and recordings
    /// that ask for it (<see cref="RecordedConvolutions.Winograd"/>). Other recorded forwards stay libtorch's, so every ReLU gate, max-pool winner and threshold is
    /// decided on the exact values; maps then differ from the direct kernels' by the transposes' rounding (~10⁻⁶
    /// relative per layer; on the reference CNN every map still matches Captum and Zennit within 10⁻⁴). RectGrad
    /// keeps exact transposes (its percentile thresholds are discontinuous in the gradient). Set false for libtorch's
    /// kernels in every recorded pass.
    /// </summary>
    public bool WinogradGradients
    {
        get => _winogradGradients;
        set
        {
            _winogradGradients = value;
            ShareWinogradSetting();
        }
    }

    private bool _useWinograd = true, _winogradGradients = true;

    /// <summary>Tells the convolutions whether their recorded passes take Winograd kernels.</summary>
    private void ShareWinogradSetting()
    {
        foreach (Conv2d conv in _layers.OfType<Conv2d>()) conv.WinogradPasses = _winogradGradients && _useWinograd;
    }

    /// <summary>How many layers of the last unrecorded forward produced a blocked output (a diagnostic for tests and tuning).</summary>
    internal int LastForwardBlockedLayers { get; private set; }

    /// <summary>How many residual joins the last unrecorded forward folded into a convolution's pass (a diagnostic).</summary>
    internal int LastForwardAccumulations { get; private set; }

    public bool IsConstant(string valueName) => _constants.ContainsKey(valueName);

    public int IndexOf(string layerName) =>
        _indexByName.TryGetValue(layerName, out int i) ? i :
        throw new KeyNotFoundException($"No layer named '{layerName}'. Layers: {string.Join(", ", _layers.Take(12).Select(l => l.Name))}{(_layers.Length > 12 ? ", …" : "")}.");

    public Layer this[string layerName] => _layers[IndexOf(layerName)];

    public bool Contains(string layerName) => _indexByName.ContainsKey(layerName);

    /// <summary>The layer writing <paramref name="valueName"/>, or null for inputs and constants.</summary>
    public Layer? ProducerOf(string valueName) => _layers.FirstOrDefault(l => l.Output == valueName);

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
    public Tape Record(Tensor input) => Record(input, RecordedConvolutions.Exact);

    /// <summary>
    /// Runs forward and keeps everything the backward rules need, computing qualifying convolutions as
    /// <paramref name="convolutions"/> says (Winograd's kernels are ~2× faster; their rounding, ~3·10⁻⁶ relative per layer,
    /// then reaches every recorded value, ReLU gates and max-pool winners included).
    /// </summary>
    public Tape Record(Tensor input, RecordedConvolutions convolutions)
    {
        RequireSingleInput();
        return Record(new Dictionary<string, Tensor> { [Inputs[0].Name] = input }, convolutions);
    }

    public Tape Record(IReadOnlyDictionary<string, Tensor> inputs, RecordedConvolutions convolutions = RecordedConvolutions.Exact)
    {
        var traces = new LayerTrace[_layers.Length];
        Dictionary<string, Tensor> values = Run(inputs, traces, OutputNames, winogradRecord: convolutions == RecordedConvolutions.Winograd);
        return new Tape(this, values, traces);
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
        int firstLayer = 0, int lastLayer = int.MaxValue, bool winogradRecord = false)
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
            // oneDNN's ops have no autograd here: a forward a caller differentiates runs dense.
            bool blocked = !record && UseBlockedLayout && inputs.Values.All(t => t.dtype == ScalarType.Float32 && t.device.type == DeviceType.CPU)
                && !(is_grad_enabled() && inputs.Values.Any(t => t.requires_grad));
            // Names of values currently held in the blocked layout.
            HashSet<string>? blockedValues = blocked ? [] : null;
            int blockedLayers = 0, accumulations = 0;
            for (int i = firstLayer; i < _layers.Length && i <= lastLayer; i++)
            {
                Layer layer = _layers[i];
                var args = new Tensor[layer.Inputs.Count];
                for (int j = 0; j < args.Length; j++)
                    args[j] = values.TryGetValue(layer.Inputs[j], out Tensor? v) ? v : _constants[layer.Inputs[j]];
                LayerTrace? trace = record
                    ? new LayerTrace(layer) { Inputs = args, ConstantInputs = layer.Inputs.Select(_constants.ContainsKey).ToArray() }
                    : null;
                Tensor? output = null;
                bool outputBlocked = false;
                if (!record && layer is Relu && CanOverwrite(layer.Inputs[0], i, wanted) && !inputs.ContainsKey(layer.Inputs[0]))
                {
                    // Nothing reads the input after this ReLU: rectify it in place (as torchvision's inplace ReLU does), in either layout.
                    values.Remove(layer.Inputs[0], out Tensor? reused);
                    outputBlocked = blockedValues?.Remove(layer.Inputs[0]) ?? false;
                    output = reused!.relu_();
                }
                else if (blockedValues != null)
                {
                    var fusion = FusionAt(i, lastLayer, wanted, inputs, values, blockedValues);
                    Tensor? into = fusion.AccumulateInto is { } name ? values[name] : null;
                    if (RunBlocked(layer, args, values, blockedValues, fusion.Epilogue, into) is { } r)
                    {
                        (output, outputBlocked) = r;
                        if (fusion.Absorbed > 0)
                        {
                            // The convolution did the next layers' work in its own pass: its inputs may die here, the
                            // accumulated operand now lives on as the output, and the last absorbed layer's output is
                            // what was computed.
                            DisposeDeadInputs(layer, i, values, wanted);
                            if (fusion.AccumulateInto is { } absorbed && values.Remove(absorbed, out Tensor? operand))
                            {
                                operand.Dispose();
                                blockedValues.Remove(absorbed);
                            }
                            i += fusion.Absorbed;
                            layer = _layers[i];
                            if (fusion.AccumulateInto is not null) accumulations++;
                            if (outputBlocked) blockedLayers += fusion.Absorbed;
                        }
                    }
                }
                if (record && winogradRecord && layer is Conv2d recordedConv) output = recordedConv.ForwardWinograd(args[0]);
                output ??= layer.Forward(args, trace);
                if (trace != null)
                {
                    trace.Output = output;
                    traces![i] = trace;
                }
                values[layer.Output] = output;
                if (outputBlocked)
                {
                    blockedValues!.Add(layer.Output);
                    blockedLayers++;
                }
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
            LastForwardBlockedLayers = blockedLayers;
            LastForwardAccumulations = accumulations;
            var result = new Dictionary<string, Tensor>();
            foreach (string name in wanted)
                result[name] = values.Remove(name, out Tensor? v) ? Dense(v, blockedValues?.Contains(name) == true) : _constants.TryGetValue(name, out Tensor? c) ? c.alias() : inputs[name].alias();
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

    /// <summary>
    /// Runs a layer of an unrecorded float32 CPU forward in oneDNN's blocked layout when <see cref="BlockedForward"/>
    /// plans it so (converting dense inputs a convolution wants blocked); otherwise converts its blocked inputs to dense
    /// and returns null for the caller to run it. Converted values are stored back, so later readers reuse them.
    /// </summary>
    private (Tensor output, bool blocked)? RunBlocked(Layer layer, Tensor[] args, Dictionary<string, Tensor> values, HashSet<string> blockedValues,
        ConvolutionEpilogue epilogue, Tensor? accumulate)
    {
        bool[] isBlocked = layer.Inputs.Select(blockedValues.Contains).ToArray();
        var plan = BlockedForward.PlanFor(layer, args, isBlocked);
        if (plan == BlockedForward.Plan.ConvertToBlocked)
        {
            // A constant input is not ours to replace: such a convolution runs dense.
            plan = layer.Inputs.All(values.ContainsKey) ? BlockedForward.Plan.AsTheyAre : BlockedForward.Plan.Dense;
            if (plan == BlockedForward.Plan.AsTheyAre) SetLayout(layer, args, values, blockedValues, toBlocked: true, isBlocked);
        }
        if (plan == BlockedForward.Plan.AsTheyAre && BlockedForward.Forward(layer, args, isBlocked, UseWinograd, epilogue, accumulate) is { } result) return result;
        SetLayout(layer, args, values, blockedValues, toBlocked: false, isBlocked);
        return null;
    }

    /// <summary>What a convolution can do in its own pass: the epilogue, the value it adds into, how many layers that absorbs.</summary>
    private readonly record struct Fusion(ConvolutionEpilogue Epilogue, string? AccumulateInto, int Absorbed);

    /// <summary>
    /// When layer <paramref name="index"/> is a convolution whose output only the next layer reads (and the caller does
    /// not want): a ReLU there is applied in the convolution's pass; a residual Add whose other operand is a blocked
    /// value dying there is accumulated into that operand's buffer, and a ReLU that alone reads the sum is applied too.
    /// </summary>
    private Fusion FusionAt(int index, int lastLayer, IReadOnlyList<string> wanted, IReadOnlyDictionary<string, Tensor> inputs,
        Dictionary<string, Tensor> values, HashSet<string> blockedValues)
    {
        bool OnlyReadBy(string value, int reader) =>
            _lastUse.TryGetValue(value, out int last) && last == reader && !wanted.Contains(value) && reader <= lastLayer && reader < _layers.Length;

        if (_layers[index] is not Conv2d conv || !OnlyReadBy(conv.Output, index + 1)) return default;
        Layer next = _layers[index + 1];
        if (next is Relu) return new(ConvolutionEpilogue.Relu, null, 1);
        if (next is not Arithmetic { Op: ArithmeticOp.Add } add || add.Inputs[0] == add.Inputs[1]) return default;
        string other = add.Inputs[0] == conv.Output ? add.Inputs[1] : add.Inputs[0];
        if (other == conv.Inputs[0]) return default; // the convolution would overwrite its own input while reading it
        // The operand's buffer is overwritten: it must be its producer's own (a bound-less Clip hands out an alias).
        bool ownBuffer = ProducerOf(other) is Conv2d or BatchNorm or Relu or MaxPool2d or AvgPool2d or AdaptiveAvgPool2d or Arithmetic or Concat;
        if (!ownBuffer || !OnlyReadBy(other, index + 1) || !blockedValues.Contains(other) || inputs.ContainsKey(other) || !values.TryGetValue(other, out Tensor? operand)
            || conv.Weight.shape[0] % Dnnl.Block != 0
            || conv.OutputShape.Length > 0 && !Dnnl.LogicalShape(operand).Skip(1).SequenceEqual(conv.OutputShape)) // (oneDNN checks again)
            return default;
        bool relu = OnlyReadBy(add.Output, index + 2) && _layers[index + 2] is Relu;
        return new(ConvolutionEpilogue.Accumulate | (relu ? ConvolutionEpilogue.Relu : 0), other, relu ? 2 : 1);
    }

    /// <summary>Frees the values whose last reader was layer <paramref name="index"/>.</summary>
    private void DisposeDeadInputs(Layer layer, int index, Dictionary<string, Tensor> values, IReadOnlyList<string> wanted)
    {
        foreach (string name in layer.Inputs.Distinct())
            if (_lastUse.TryGetValue(name, out int last) && last == index && !wanted.Contains(name) && values.Remove(name, out Tensor? dead))
                dead.Dispose();
    }

    /// <summary>Converts the layer's computed inputs to one layout (looked up by name: a layer may read a value twice).</summary>
    private static void SetLayout(Layer layer, Tensor[] args, Dictionary<string, Tensor> values, HashSet<string> blockedValues, bool toBlocked, bool[] isBlocked)
    {
        for (int j = 0; j < args.Length; j++)
        {
            string name = layer.Inputs[j];
            if (!values.TryGetValue(name, out Tensor? held)) continue;
            if (blockedValues.Contains(name) != toBlocked)
            {
                Tensor converted = toBlocked ? Dnnl.ToBlocked(held) : Dnnl.ToDense(held);
                held.Dispose();
                values[name] = held = converted;
                if (toBlocked) blockedValues.Add(name);
                else blockedValues.Remove(name);
            }
            args[j] = held;
            isBlocked[j] = toBlocked;
        }
    }

    private static Tensor Dense(Tensor value, bool blocked)
    {
        if (!blocked) return value;
        using (value) return Dnnl.ToDense(value);
    }

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

    /// <summary>A copy on another device. CUDA throws a clear NotSupportedException when unavailable.</summary>
    public Network To(Device device)
    {
        device.EnsureAvailable();
        return Map(t => t.to(device, copy: true));
    }

    /// <summary>A copy whose layers are replaced by <paramref name="replace"/> (null keeps the layer); wiring must stay valid.</summary>
    public Network WithLayers(Func<Layer, int, Layer?> replace)
    {
        var layers = _layers.Select((l, i) => replace(l, i) ?? l.Clone()).ToArray();
        return new Network(layers, Inputs, OutputNames, _constants.ToDictionary(kv => kv.Key, kv => kv.Value.clone().DetachFromDisposeScope()))
        {
            UseBlockedLayout = UseBlockedLayout,
            UseWinograd = UseWinograd,
            WinogradGradients = WinogradGradients,
        };
    }

    private Network Map(Func<Tensor, Tensor> map, ScalarType? inputType = null)
    {
        Tensor Detached(Tensor t) => map(t).DetachFromDisposeScope();
        var layers = _layers.Select(l => l.CloneWith(Detached)).ToArray();
        var inputs = inputType is { } type
            ? Inputs.Select(i => i.DType is ScalarType.Float32 or ScalarType.Float64 ? i with { DType = type } : i).ToArray()
            : Inputs;
        return new Network(layers, inputs, OutputNames, _constants.ToDictionary(kv => kv.Key, kv => Detached(kv.Value)))
        {
            UseBlockedLayout = UseBlockedLayout,
            UseWinograd = UseWinograd,
            WinogradGradients = WinogradGradients,
        };
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
        using var generator = new Generator(seed);
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
