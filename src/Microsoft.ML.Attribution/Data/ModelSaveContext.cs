using System.Text.Json;
using System.Text.Json.Nodes;

namespace Microsoft.ML.Attribution.Data;

/// <summary>
/// What a transformer writes when saved: a kind and version (how to load it back) and JSON properties. Public and simple on purpose —
/// ML.NET keeps its save context internal, so third parties cannot write saveable transformers (dotnet/machinelearning#4911).
/// </summary>
public sealed class ModelSaveContext
{
    internal ModelSaveContext(string? modelDirectory) => ModelDirectory = modelDirectory;

    /// <summary>The folder of the model file being written, or null when writing to a stream.</summary>
    public string? ModelDirectory { get; }

    public string? Kind { get; private set; }

    public int Version { get; private set; }

    /// <summary>The transformer's settings; write them with <see cref="SetProperty{T}"/> or directly as JSON nodes.</summary>
    public JsonObject Properties { get; } = new();

    /// <summary>Names the loader (see <see cref="LoadableTransformerAttribute"/>) and the version of the properties' layout.</summary>
    public void SetKind(string kind, int version = 1)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(kind);
        ArgumentOutOfRangeException.ThrowIfLessThan(version, 1);
        Kind = kind;
        Version = version;
    }

    /// <summary>Stores <paramref name="value"/> as JSON (enums as their names).</summary>
    public void SetProperty<T>(string name, T value)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        Properties[name] = JsonSerializer.SerializeToNode(value, ModelFile.JsonOptions);
    }

    /// <summary>
    /// How to refer to a file (such as an ONNX model) from the model file: relative to <see cref="ModelDirectory"/> when the file is in that
    /// folder or below it (so the two can be moved together), otherwise its full path.
    /// </summary>
    public string MakePathReference(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string full = Path.GetFullPath(path);
        if (ModelDirectory is null)
            return full;
        string relative = Path.GetRelativePath(ModelDirectory, full);
        return relative.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(relative) ? full : relative.Replace('\\', '/');
    }

    /// <summary>Saves a nested transformer (a chain's step) and returns its JSON, to be stored in <see cref="Properties"/>.</summary>
    public JsonObject SaveNested(ITransformer transformer)
    {
        ArgumentNullException.ThrowIfNull(transformer);
        var nested = new ModelSaveContext(ModelDirectory);
        transformer.Save(nested);
        return nested.ToJson(transformer);
    }

    internal JsonObject ToJson(ITransformer saved)
    {
        if (Kind is null)
            throw new InvalidOperationException($"{saved.GetType().Name}.Save did not call SetKind, so the model could not be loaded back.");
        return new JsonObject { ["kind"] = Kind, ["version"] = Version, ["properties"] = Properties.DeepClone() };
    }
}
