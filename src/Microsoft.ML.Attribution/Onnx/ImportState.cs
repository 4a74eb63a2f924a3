using Microsoft.ML.Attribution.Graph;
using Microsoft.ML.Attribution.Tensors;
using static TorchSharp.torch;

namespace Microsoft.ML.Attribution.Onnx;

/// <summary>
/// What the importer knows while walking the graph: constants (initializers and folded values), aliases
/// (Identity, Dropout), a sample value of every computed tensor (for shape inference) and the layers so far.
/// </summary>
internal sealed class ImportState : IDisposable
{
    public ImportState(OnnxImportOptions options, string? modelDirectory)
    {
        Options = options;
        ModelDirectory = modelDirectory;
    }

    public OnnxImportOptions Options { get; }

    public string? ModelDirectory { get; }

    public Dictionary<string, Tensor> Constants { get; } = new();

    /// <summary>For int64 vectors derived from Shape(x): which entries stand for the (free) batch size.</summary>
    public Dictionary<string, bool[]> BatchFlags { get; } = new();

    /// <summary>A value of every computed tensor for a sample input (batch of the declared size).</summary>
    public Dictionary<string, Tensor> Samples { get; } = new();

    public Dictionary<string, string> Aliases { get; } = new();

    public List<Layer> Layers { get; } = new();

    /// <summary>True while a node whose inputs are all constants is being evaluated at import (batch rules do not apply).</summary>
    public bool Folding { get; set; }

    public List<string> Warnings { get; } = new();

    private readonly HashSet<string> _layerNames = new();

    public string Resolve(string name)
    {
        while (Aliases.TryGetValue(name, out string? target)) name = target;
        return name;
    }

    public bool IsConstant(string name) => Constants.ContainsKey(name);

    public Tensor Constant(OnnxNode node, int input)
    {
        if (!node.HasInput(input)) throw node.Error($"input {input} is required.");
        string name = node.Inputs[input];
        return Constants.TryGetValue(name, out Tensor? c) ? c :
            throw node.Error($"input {input} ('{name}') must be a constant (an initializer or computable at import), but it is computed from the model input.");
    }

    public Tensor? OptionalConstant(OnnxNode node, int input) => node.HasInput(input) ? Constant(node, input) : null;

    /// <summary>The sample value (or constant) of a value name.</summary>
    public Tensor Sample(string name) =>
        Samples.TryGetValue(name, out Tensor? s) ? s :
        Constants.TryGetValue(name, out Tensor? c) ? c :
        throw new OnnxImportException($"Value '{name}' is used before it is computed (the graph is not topologically sorted, or an input is missing).");

    public long[] Shape(string name) => Sample(name).shape;

    public string UniqueLayerName(string name)
    {
        string candidate = name;
        for (int i = 1; !_layerNames.Add(candidate); i++) candidate = $"{name}_{i}";
        return candidate;
    }

    public void Dispose()
    {
        foreach (Tensor t in Samples.Values) t.Dispose();
        Samples.Clear();
    }
}
