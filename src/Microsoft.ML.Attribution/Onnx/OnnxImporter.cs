using Google.Protobuf;
using Microsoft.ML.Attribution.Graph;
using Microsoft.ML.Attribution.Onnx.Proto;
using TorchSharp;
using Microsoft.ML.Attribution.Tensors;
using static TorchSharp.torch;

namespace Microsoft.ML.Attribution.Onnx;

/// <summary>
/// Imports an ONNX image classifier into a <see cref="Network"/> of typed layers (so every attribution method can
/// replace each layer's backward). Shapes are inferred by running a sample input through each layer as it is built;
/// shape-computing subgraphs (Shape → Gather → Unsqueeze → Concat → Reshape) are folded into constants.
/// </summary>
public static class OnnxImporter
{
    /// <summary>Default-domain opsets this importer interprets.</summary>
    public const long MinOpset = 1, MaxOpset = 21;

    /// <summary>The largest image (values per sample) an input may declare: 2^28, e.g. 3 × 9,459 × 9,459; the importer traces the graph with one.</summary>
    public const long MaxTracedValuesPerImage = 1L << 28;

    public static Network Load(string path, OnnxImportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        Runtime.TorchSharpRuntime.EnsureLoaded();
        if (!File.Exists(path)) throw new FileNotFoundException($"No ONNX model at '{path}'.", path);
        using FileStream stream = File.OpenRead(path);
        try
        {
            return Load(stream, options, Path.GetDirectoryName(Path.GetFullPath(path)));
        }
        catch (OnnxImportException e)
        {
            throw new OnnxImportException($"{Path.GetFileName(path)}: {e.Message}", e.NodeName, e.OpType, e);
        }
    }

    public static Network Load(Stream stream, OnnxImportOptions? options = null, string? modelDirectory = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        long bytes = stream.CanSeek ? stream.Length - stream.Position : 0;
        Network network = ParseAndImport(stream, options, modelDirectory);
        // The parsed protobuf (a second copy of every weight) is garbage now. For a large model, an aggressive collection
        // gives those pages back to the OS at once; otherwise the process keeps them resident (+550 MB for VGG16).
        if (bytes >= LargeModelBytes)
        {
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        }
        return network;
    }

    /// <summary>Models at least this large (bytes) trigger the collection after import.</summary>
    private const long LargeModelBytes = 64L << 20;

    // Not inlined, so that nothing of the protobuf is still reachable from the caller's frame when it collects.
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static Network ParseAndImport(Stream stream, OnnxImportOptions? options, string? modelDirectory)
    {
        ModelProto model;
        try
        {
            model = ModelProto.Parser.ParseFrom(CodedInputStream.CreateWithLimits(stream, int.MaxValue, 100));
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new OnnxImportException($"not a valid ONNX model (corrupt or truncated protobuf): {e.Message}", inner: e);
        }
        return Import(model, options ?? OnnxImportOptions.Default, modelDirectory);
    }

    public static Network Load(byte[] bytes, OnnxImportOptions? options = null)
    {
        using var stream = new MemoryStream(bytes, writable: false);
        return Load(stream, options);
    }

    /// <summary>The op types the importer understands (others raise an error naming the node).</summary>
    public static IReadOnlyList<string> SupportedOps => OnnxLayerFactory.SupportedOps;

    private static Network Import(ModelProto model, OnnxImportOptions options, string? modelDirectory)
    {
        GraphProto graph = model.Graph ?? throw new OnnxImportException("the model has no graph (is this an ONNX file?).");
        if (graph.Node.Count == 0 && graph.Output.Count == 0) throw new OnnxImportException("the graph is empty (is this an ONNX file?).");
        long opset = DefaultOpset(model);

        using var state = new ImportState(options, modelDirectory);
        var keep = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
        try
        {
            foreach (TensorProto initializer in graph.Initializer)
            {
                if (string.IsNullOrEmpty(initializer.Name)) throw new OnnxImportException("an initializer has no name.");
                state.Constants[initializer.Name] = OnnxTensor.ToTensor(initializer, modelDirectory).DetachFromDisposeScope();
            }
            foreach (var (name, value) in options.ConstantInputs ?? new Dictionary<string, Tensor>())
                state.Constants[name] = value.clone().DetachFromDisposeScope();
            List<GraphInput> inputs = ReadInputs(graph, state, options);
            var consumed = new HashSet<string>(graph.Node.SelectMany(n => n.Input).Concat(graph.Output.Select(o => o.Name)));

            foreach (NodeProto proto in graph.Node)
            {
                if (proto.Domain is not ("" or "ai.onnx"))
                    throw new OnnxImportException($"Node '{proto.Name}' ({proto.OpType}) is in domain '{proto.Domain}'; only the default ONNX domain is supported.", proto.Name, proto.OpType);
                if (proto.Output.Count == 0) throw new OnnxImportException($"Node '{proto.Name}' ({proto.OpType}) has no output.", proto.Name, proto.OpType);
                var node = new OnnxNode(proto, opset, proto.Input.Select(i => i.Length == 0 ? "" : state.Resolve(i)).ToArray());
                foreach (string input in node.Inputs)
                    if (input.Length > 0 && !state.Samples.ContainsKey(input) && !state.Constants.ContainsKey(input))
                        throw node.Error($"input '{input}' is neither a graph input, an initializer, nor the output of an earlier node.");
                foreach (string extra in proto.Output.Skip(1))
                    if (extra.Length > 0 && consumed.Contains(extra))
                        throw node.Error($"its output #{proto.Output.IndexOf(extra)} ('{extra}') is used, but only the first output of {node.OpType} is supported.");
                using DisposeScope scope = NewDisposeScope();
                OnnxLayerFactory.Convert(node, state);
            }

            string[] outputs = graph.Output.Select(o => state.Resolve(o.Name)).ToArray();
            if (outputs.Length == 0) throw new OnnxImportException("the graph declares no output.");
            if (options.RequireImageInput && state.IsConstant(outputs[0]))
                throw new OnnxImportException($"output '{outputs[0]}' does not depend on the input.");

            var used = new HashSet<string>(state.Layers.SelectMany(l => l.Inputs).Concat(outputs));
            var constants = state.Constants.Where(kv => used.Contains(kv.Key)).ToDictionary(kv => kv.Key, kv => kv.Value);
            foreach (Tensor t in constants.Values) keep.Add(t);
            return new Network(state.Layers, inputs, outputs, constants) { Warnings = state.Warnings.ToArray() };
        }
        catch
        {
            foreach (var layer in state.Layers) layer.Dispose();
            keep.Clear();
            throw;
        }
        finally
        {
            foreach (Tensor t in state.Constants.Values) if (!keep.Contains(t)) t.Dispose();
        }
    }

    private static long DefaultOpset(ModelProto model)
    {
        OperatorSetIdProto? entry = model.OpsetImport.FirstOrDefault(o => o.Domain is "" or "ai.onnx");
        if (entry is null) throw new OnnxImportException("the model imports no default-domain opset.");
        if (entry.Version < MinOpset || entry.Version > MaxOpset)
            throw new OnnxImportException($"opset {entry.Version} is not supported (supported: {MinOpset}–{MaxOpset}). Re-export with opset 11–17.");
        // Ops whose semantics changed before opset 7 (legacy broadcast attributes) are rejected where they appear.
        return entry.Version;
    }

    private static List<GraphInput> ReadInputs(GraphProto graph, ImportState state, OnnxImportOptions options)
    {
        var real = graph.Input.Where(i => !state.Constants.ContainsKey(i.Name)).ToList();
        if (options.RequireImageInput && real.Count != 1)
            throw new OnnxImportException($"the model has {real.Count} inputs ({string.Join(", ", real.Select(r => r.Name))}); an image classifier takes exactly one [N,C,H,W] image.");
        var result = new List<GraphInput>();
        foreach (ValueInfoProto input in real)
        {
            TypeProto.Types.Tensor? type = input.Type?.TensorType;
            if (type is null) throw new OnnxImportException($"input '{input.Name}' is not a tensor.");
            ScalarType dtype = OnnxTensor.ToScalarType(type.ElemType, $"Input '{input.Name}'");
            long[] dims = type.Shape?.Dim.Select(d => d.ValueCase == TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue ? d.DimValue : -1).ToArray()
                ?? throw new OnnxImportException($"input '{input.Name}' declares no shape.");
            if (options.RequireImageInput)
            {
                if (dims.Length != 4 || dtype is not (ScalarType.Float32 or ScalarType.Float64))
                    throw new OnnxImportException($"input '{input.Name}' is [{string.Join(",", dims.Select(d => d < 0 ? "?" : d.ToString()))}] {dtype}, not a float image [N,C,H,W].");
                if (dims[1] < 0) throw new OnnxImportException($"input '{input.Name}' leaves the channel count unspecified.");
            }
            for (int axis = 0; axis < dims.Length; axis++)
                if (dims[axis] < -1)
                    throw new OnnxImportException($"input '{input.Name}' declares dimension {dims[axis]} at axis {axis}: extents cannot be negative.");
            long batch = dims.Length > 0 && dims[0] > 0 ? dims[0] : 1;
            long[] sampleShape = dims.Select((d, i) => i == 0 ? batch : d > 0 ? d : options.RequireImageInput && i >= 2 ? options.DefaultImageSize : 1).ToArray();
            double perImage = sampleShape.Skip(1).Aggregate(1.0, (p, d) => p * d);
            if (perImage > MaxTracedValuesPerImage)
                throw new OnnxImportException(
                    $"input '{input.Name}' declares [{string.Join(",", dims)}]: {perImage:N0} values per image, more than the {MaxTracedValuesPerImage:N0} an image classifier's input can hold here.");
            state.Samples[input.Name] = zeros(sampleShape, dtype).DetachFromDisposeScope();
            result.Add(new GraphInput(input.Name, dims.Skip(1).ToArray(), dtype));
        }
        return result;
    }
}
