using System.Text.Json.Nodes;
using Microsoft.ML.Attribution.DataViews;
using Microsoft.ML.Attribution.Graph;
using Microsoft.ML.Attribution.Maps;
using Microsoft.ML.Attribution.Methods;
using Microsoft.ML.Attribution.Onnx;
using Microsoft.ML.Attribution.Persistence;
using TorchSharp;
using Microsoft.ML.Attribution.Tensors;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms.Image;
using static TorchSharp.torch;

namespace Microsoft.ML.Attribution.Transforms;

/// <summary>
/// Appends, per row, the attribution map of the row's input (<see cref="ExplainOptions.InputColumnName"/>: an image, or a pixel vector), the class
/// explained (output + "Target", Int32), that class's logit (output + "Logit", Single) and an error text (output + "Error", empty for good rows).
/// The map is Vector&lt;Single, H, W&gt; after channel reduction, or Vector&lt;Single, *, H, W&gt; with <see cref="ExplainOptions.KeepChannels"/>.
/// </summary>
/// <remarks>
/// <para>Rows are attributed in mini-batches of <see cref="ExplainOptions.BatchSize"/>: one batched forward/backward pass per batch (see
/// <see cref="BatchedAppendingTransformerBase"/> for laziness, progress and cancellation). Results equal row-by-row attribution.</para>
/// <para>Bad rows never fail the batch: an input of the wrong length (wrong channel count or size), an input with NaN or infinite values (a
/// missing image upstream), a missing or out-of-range target, or a method failure on that row give a missing map (NaN-filled, or empty with
/// KeepChannels), target −1, logit NaN, and the reason in the error column. The other rows of the batch are attributed as usual.</para>
/// <para>Dispose the transformer (or the chain holding it) to free the imported network.</para>
/// </remarks>
public sealed class ExplainTransformer : BatchedAppendingTransformerBase, IPersistentTransformer, IDisposable
{
    internal const string TargetSuffix = "Target";
    internal const string LogitSuffix = "Logit";
    internal const string ErrorSuffix = "Error";
    internal const string PersistedKind = "Explain";

    private readonly ExplainOptions _options;
    private bool _ownsNetwork;
    private readonly IAttributionMethod _method;
    private readonly object _methodLock = new();
    private readonly long[] _modelShape;
    private readonly long _classes;
    private bool _disposed;

    /// <summary>Imports <see cref="ExplainOptions.ModelPath"/> (or uses <see cref="ExplainOptions.Network"/>) and creates the method.</summary>
    public ExplainTransformer(ExplainOptions options)
        : base(CheckOptions(options).BatchSize, options.Progress, options.CancellationToken)
    {
        _options = options.Copy();
        ComputeDevice device = ComputeDevice.Parse(_options.Device);
        device.EnsureAvailable();
        _ownsNetwork = _options.Network is null;
        Network = _options.Network ?? OnnxImporter.Load(_options.ModelPath!);
        try
        {
            if (Network.Device != device)
            {
                // The weights move once; a caller's network stays where it is and this transformer owns the copy.
                Network moved = Network.To(device);
                if (_ownsNetwork)
                    Network.Dispose();
                Network = moved;
                _ownsNetwork = true;
            }
            if (Network.Inputs.Count != 1 || Network.Inputs[0].Shape.Length != 3)
                throw new ArgumentException($"Explain needs a model with one image input [N, C, H, W]; this one takes {string.Join(", ", Network.Inputs)}.", nameof(options));
            _modelShape = Network.Inputs[0].Shape;
            _classes = Network.ProducerOf(Network.LogitsName)?.OutputShape.FirstOrDefault() ?? 0;
            _method = MethodRegistry.Create(_options.Method, Network, _options.MethodOptions);
        }
        catch
        {
            if (_ownsNetwork)
                Network.Dispose();
            throw;
        }
        _options.Network = null;
    }

    public string OutputColumnName => _options.OutputColumnName;

    public string InputColumnName => _options.InputColumnName;

    /// <summary>The input column holding the class to explain per row, or null for each row's top prediction.</summary>
    public string? TargetColumnName => _options.TargetColumnName;

    /// <summary>The appended column with the class explained per row (−1 for bad rows).</summary>
    public string ExplainedTargetColumnName => OutputColumnName + TargetSuffix;

    /// <summary>The appended column with the explained class's logit (NaN for bad rows).</summary>
    public string LogitColumnName => OutputColumnName + LogitSuffix;

    /// <summary>The appended column with the reason a row could not be explained (empty for good rows).</summary>
    public string ErrorColumnName => OutputColumnName + ErrorSuffix;

    public string Method => _options.Method;

    public IReadOnlyDictionary<string, string> MethodOptions => _options.MethodOptions;

    /// <summary>The reduction applied to the map (null with <see cref="ExplainOptions.KeepChannels"/>).</summary>
    public ChannelReduction? Reduction => _options.KeepChannels ? null : _options.Reduction ?? ChannelReductionDefaults.For(_options.Method);

    public string? ModelPath => _options.ModelPath;

    public Network Network { get; private set; }

    string IPersistentTransformer.Kind => PersistedKind;

    JsonObject IPersistentTransformer.Describe(ModelArchiveWriter archive)
    {
        if (_options.ModelPath is null)
            throw new NotSupportedException("This Explain transformer was created from an in-memory Network; create it with a ModelPath to save it.");
        ExplainOptions saved = _options.Copy();
        saved.ModelPath = archive.AddModelFile(_options.ModelPath);
        return ModelArchiveJson.ToObject(saved);
    }

    internal static ExplainTransformer Load(JsonObject description, ModelArchiveReader archive)
    {
        ExplainOptions options = ModelArchiveJson.FromObject<ExplainOptions>(description);
        options.ModelPath = archive.GetModelFile(options.ModelPath ?? throw new InvalidDataException("The saved Explain transformer names no model file."));
        return new ExplainTransformer(options);
    }

    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        _method.Dispose();
        if (_ownsNetwork)
            Network.Dispose();
    }

    internal static ExplainOptions CheckOptions(ExplainOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrEmpty(options.OutputColumnName))
            throw new ArgumentException("OutputColumnName is required.", nameof(options));
        if (string.IsNullOrEmpty(options.InputColumnName))
            throw new ArgumentException("InputColumnName is required.", nameof(options));
        if ((options.ModelPath is null) == (options.Network is null))
            throw new ArgumentException("Give exactly one of ModelPath and Network.", nameof(options));
        if (options.ModelPath is not null && !File.Exists(options.ModelPath))
            throw new FileNotFoundException($"No ONNX model at '{options.ModelPath}'.", options.ModelPath);
        ExplainEstimator.RequireMethod(options.Method);
        ComputeDevice.Parse(options.Device ?? throw new ArgumentException("Device is required ('cpu', 'cuda' or 'cuda:N').", nameof(options)));
        if (options.BatchSize < 1)
            throw new ArgumentOutOfRangeException(nameof(options), options.BatchSize, "BatchSize must be at least 1.");
        if (!Enum.IsDefined(options.InputLayout))
            throw new ArgumentOutOfRangeException(nameof(options), options.InputLayout, "Unknown pixel layout.");
        if (options.Scale is float scale && (!float.IsFinite(scale) || scale == 0))
            throw new ArgumentOutOfRangeException(nameof(options), scale, "Scale must be a finite, non-zero number.");
        if (options.Reduction is ChannelReduction r && !Enum.IsDefined(r))
            throw new ArgumentOutOfRangeException(nameof(options), r, "Unknown channel reduction.");
        return options;
    }

    protected override IReadOnlyList<DataViewSchema.DetachedColumn> GetOutputColumns(DataViewSchema inputSchema)
    {
        (_, int height, int width) = ResolveInputShape(inputSchema);
        if (TargetColumnName is string targetName)
        {
            DataViewSchema.Column target = SchemaShapes.Find(inputSchema, targetName);
            if (!IsTargetType(target.Type))
                throw DataViewErrors.SchemaMismatch(targetName, "Int32, Int64 or Key<UInt32>", target.Type.ToString()!);
        }
        VectorDataViewType map = _options.KeepChannels
            ? new VectorDataViewType(NumberDataViewType.Single, 0, height, width)
            : new VectorDataViewType(NumberDataViewType.Single, height, width);
        return
        [
            new DataViewSchema.DetachedColumn(OutputColumnName, map),
            new DataViewSchema.DetachedColumn(ExplainedTargetColumnName, NumberDataViewType.Int32),
            new DataViewSchema.DetachedColumn(LogitColumnName, NumberDataViewType.Single),
            new DataViewSchema.DetachedColumn(ErrorColumnName, TextDataViewType.Instance),
        ];
    }

    protected override IEnumerable<DataViewSchema.Column> GetDependencies(DataViewSchema inputSchema) =>
        TargetColumnName is string target ? [inputSchema[InputColumnName], inputSchema[target]] : [inputSchema[InputColumnName]];

    protected override BatchedRowMapper CreateMapper(DataViewRow input, int batchCapacity)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return new ExplainMapper(this, input, batchCapacity, ResolveInputShape(input.Schema));
    }

    private AttributionMap Attribute(Tensor input, Target target, CancellationToken cancellationToken)
    {
        // Methods keep per-call state (tapes, canonized copies), so cursors on other threads take turns.
        lock (_methodLock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _method.Attribute(input, target, cancellationToken);
        }
    }

    private static bool IsTargetType(DataViewType type) =>
        type.Equals(NumberDataViewType.Int32) || type.Equals(NumberDataViewType.Int64) || (type is KeyDataViewType && type.RawType == typeof(uint));

    /// <summary>
    /// The per-row input shape [C, H, W]: the model's, with dimensions the model leaves open taken from the column's type. An image column
    /// gives 3 channels (RGB; a one-channel model gets the luma) and its size when fixed; other sizes are resized per row unless
    /// <see cref="ExplainOptions.ResizeToModelInput"/> is off.
    /// </summary>
    private ModelInputShape ResolveInputShape(DataViewSchema inputSchema)
    {
        DataViewSchema.Column input = SchemaShapes.Find(inputSchema, InputColumnName);
        int[] model = _modelShape.Select(d => d > 0 ? (int)d : 0).ToArray();
        string expected = $"Image or {new VectorDataViewType(NumberDataViewType.Single, model)}";
        if (input.Type is ImageDataViewType image)
            return ResolveImageShape(image, model, expected);
        if (input.Type is not VectorDataViewType vector || !vector.ItemType.Equals(NumberDataViewType.Single))
            throw DataViewErrors.SchemaMismatch(InputColumnName, expected, input.Type.ToString()!);

        int[] dims = vector.Dimensions.ToArray();
        if (dims.Length == 1 && vector.IsKnownSize && model.All(d => d > 0))
        {
            // A flat vector is accepted when its length is the model's C·H·W.
            if (dims[0] != model[0] * model[1] * model[2])
                throw DataViewErrors.SchemaMismatch(InputColumnName, expected, vector.ToString());
            return new ModelInputShape(model[0], model[1], model[2]);
        }
        if (dims.Length == 1 && !vector.IsKnownSize)
            dims = [0, 0, 0];
        if (dims.Length != 3)
            throw DataViewErrors.SchemaMismatch(InputColumnName, expected, vector.ToString());
        // The column's dimensions in [C, H, W] order, whatever its layout.
        int[] chw = _options.InputLayout == PixelLayout.Interleaved ? [dims[2], dims[0], dims[1]] : dims;
        var shape = new int[3];
        for (int i = 0; i < 3; i++)
        {
            if (model[i] > 0 && chw[i] > 0 && model[i] != chw[i])
                throw DataViewErrors.SchemaMismatch(InputColumnName, expected + (_options.InputLayout == PixelLayout.Interleaved ? " as [H, W, C] (InputLayout = Interleaved)" : ""), vector.ToString());
            shape[i] = model[i] > 0 ? model[i] : chw[i];
            if (shape[i] == 0)
                throw DataViewErrors.SchemaMismatch(InputColumnName, expected + " (the model leaves this size open, so the column must fix it)", vector.ToString());
        }
        return new ModelInputShape(shape[0], shape[1], shape[2]);
    }

    private ModelInputShape ResolveImageShape(ImageDataViewType image, int[] model, string expected)
    {
        if (model[0] is not (1 or 3))
            throw DataViewErrors.SchemaMismatch(InputColumnName, $"a Vector<Single> of {model[0]} channels (an image column gives RGB: models of 1 or 3 channels)", image.ToString());
        int height = model[1] > 0 ? model[1] : image.Height, width = model[2] > 0 ? model[2] : image.Width;
        if (height == 0 || width == 0)
            throw DataViewErrors.SchemaMismatch(InputColumnName, expected + " (the model leaves its input size open: resize the images to a fixed size with ResizeImages)", image.ToString());
        if (!_options.ResizeToModelInput && image.Height > 0 && (image.Height != height || image.Width != width))
            throw DataViewErrors.SchemaMismatch(InputColumnName, $"Image<{height}, {width}> (ResizeToModelInput is off)", image.ToString());
        return new ModelInputShape(model[0], height, width);
    }

    /// <summary>One cursor's batches: stages inputs and targets, attributes the good rows together, serves results per slot.</summary>
    private sealed class ExplainMapper : BatchedRowMapper
    {
        private readonly ExplainTransformer _owner;
        private readonly ModelInputReader _input;
        private readonly Func<(long Target, string? Error)>? _target;
        private readonly int _channels, _height, _width;
        private readonly float[][] _staged;
        private readonly long[] _stagedTargets;
        private readonly string?[] _stagedErrors;
        private readonly float[][] _maps;
        private readonly int[] _targets;
        private readonly float[] _logits;
        private readonly string[] _errors;
        private readonly float[] _missingMap;

        public ExplainMapper(ExplainTransformer owner, DataViewRow input, int capacity, ModelInputShape shape)
        {
            _owner = owner;
            (_channels, _height, _width) = shape;
            _input = ModelInputReader.Create(input, input.Schema[owner.InputColumnName], shape, owner._options);
            if (owner.TargetColumnName is string target)
                _target = TargetReader(input, input.Schema[target], owner._classes);
            _staged = new float[capacity][];
            _stagedTargets = new long[capacity];
            _stagedErrors = new string?[capacity];
            _maps = new float[capacity][];
            _targets = new int[capacity];
            _logits = new float[capacity];
            _errors = new string[capacity];
            _missingMap = owner._options.KeepChannels ? [] : Enumerable.Repeat(float.NaN, _height * _width).ToArray();
        }

        private int InputLength => _channels * _height * _width;

        public override void StageRow(int slot)
        {
            float[] staged = _staged[slot] ??= new float[InputLength];
            _stagedErrors[slot] = _input.Read(staged);
            if (_stagedErrors[slot] is null && _target is not null)
            {
                try
                {
                    (_stagedTargets[slot], _stagedErrors[slot]) = _target();
                }
                catch (Exception e) when (UpstreamErrors.IsRowError(e))
                {
                    _stagedErrors[slot] = $"Bad target: {UpstreamErrors.Describe(e, _owner.TargetColumnName!)}";
                }
            }
        }

        public override void ComputeBatch(int count, CancellationToken cancellationToken)
        {
            var good = new List<int>(count);
            for (int slot = 0; slot < count; slot++)
            {
                _maps[slot] = _missingMap;
                _targets[slot] = -1;
                _logits[slot] = float.NaN;
                _errors[slot] = _stagedErrors[slot] ?? "";
                if (_stagedErrors[slot] is null)
                    good.Add(slot);
            }
            if (good.Count == 0)
                return;
            try
            {
                Attribute(good, cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException && good.Count > 1)
            {
                // Find the row(s) the batch failed on: attribute each row alone, so one bad row costs only itself.
                foreach (int slot in good)
                {
                    try
                    {
                        Attribute([slot], cancellationToken);
                    }
                    catch (Exception single) when (single is not OperationCanceledException)
                    {
                        _errors[slot] = $"Attribution failed: {ErrorText.Of(single)}";
                    }
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                _errors[good[0]] = $"Attribution failed: {ErrorText.Of(e)}";
            }
        }

        public override Delegate CreateGetter(int outputColumnIndex, Func<int> currentSlot) => outputColumnIndex switch
        {
            0 => (ValueGetter<VBuffer<float>>)((ref VBuffer<float> value) =>
            {
                float[] map = _maps[currentSlot()];
                var editor = VBufferEditor.Create(ref value, map.Length);
                map.CopyTo(editor.Values);
                value = editor.Commit();
            }),
            1 => (ValueGetter<int>)((ref int value) => value = _targets[currentSlot()]),
            2 => (ValueGetter<float>)((ref float value) => value = _logits[currentSlot()]),
            3 => (ValueGetter<ReadOnlyMemory<char>>)((ref ReadOnlyMemory<char> value) => value = _errors[currentSlot()].AsMemory()),
            _ => throw new ArgumentOutOfRangeException(nameof(outputColumnIndex)),
        };

        private void Attribute(IReadOnlyList<int> slots, CancellationToken cancellationToken)
        {
            int n = slots.Count, length = InputLength;
            var batch = new float[n * length];
            for (int i = 0; i < n; i++)
                _staged[slots[i]].CopyTo(batch, i * length);
            using DisposeScope scope = NewDisposeScope();
            Tensor input = tensor(batch, [n, _channels, _height, _width]).to(_owner.Network.Device);
            Target target = _target is null ? Target.TopPrediction : Target.PerRow(slots.Select(s => _stagedTargets[s]).ToArray());
            using AttributionMap result = _owner.Attribute(input, target, cancellationToken);
            Tensor map = result.Map.to(ScalarType.Float32).cpu();
            if (_owner.Reduction is ChannelReduction reduction)
                map = MapReduction.Reduce(map, reduction);
            long[] shape = map.shape;
            if (shape[^2] != _height || shape[^1] != _width)
                throw new InvalidOperationException($"Method '{_owner.Method}' returned a map of {string.Join("×", shape)}; the input is {_height}×{_width}.");
            for (int i = 0; i < n; i++)
            {
                Tensor row = map[i].contiguous();
                var values = new float[row.numel()];
                row.CopyTo<float>(values);
                int slot = slots[i];
                double logit = result.Scores[i];
                string? problem = !double.IsFinite(logit)
                    ? $"The model's logit for class {result.Targets[i]} is {logit} for this row: the weights or the input hold NaN or infinite values, so no map is given."
                    : !values.All(float.IsFinite)
                        ? $"Method '{_owner.Method}' produced NaN or infinite values in this row's map (logit {logit:G6}): numerically unstable here, so no map is given."
                        : null;
                if (problem is not null)
                {
                    _maps[slot] = _missingMap;
                    _targets[slot] = -1;
                    _logits[slot] = float.NaN;
                    _errors[slot] = problem;
                    continue;
                }
                _maps[slot] = values;
                _targets[slot] = (int)result.Targets[i];
                _logits[slot] = (float)logit;
                _errors[slot] = "";
            }
        }

        private static Func<(long, string?)> TargetReader(DataViewRow input, DataViewSchema.Column column, long classes)
        {
            (long, string?) Check(long value) =>
                value < 0 ? (0, $"Bad target: class {value} is negative.")
                : classes > 0 && value >= classes ? (0, $"Bad target: class {value} is out of range; the model has {classes} classes (0–{classes - 1}).")
                : (value, null);

            if (column.Type is KeyDataViewType)
            {
                ValueGetter<uint> key = input.GetGetter<uint>(column);
                return () =>
                {
                    uint value = 0;
                    key(ref value);
                    return value == 0 ? (0, $"Bad target: column '{column.Name}' is missing (key 0).") : Check(value - 1L);
                };
            }
            if (column.Type.Equals(NumberDataViewType.Int64))
            {
                ValueGetter<long> int64 = input.GetGetter<long>(column);
                return () =>
                {
                    long value = 0;
                    int64(ref value);
                    return Check(value);
                };
            }
            ValueGetter<int> int32 = input.GetGetter<int>(column);
            return () =>
            {
                int value = 0;
                int32(ref value);
                return Check(value);
            };
        }
    }
}
