using System.Text.Json;
using System.Text.Json.Nodes;

namespace Microsoft.ML.Attribution.Data;

/// <summary>What a loader reads back: the kind, version and properties a transformer saved, plus settings that are not saved (progress, cancellation).</summary>
public sealed class ModelLoadContext
{
    internal ModelLoadContext(string kind, int version, JsonObject properties, string? modelDirectory, IProgress<long>? progress, CancellationToken cancellationToken)
    {
        Kind = kind;
        Version = version;
        Properties = properties;
        ModelDirectory = modelDirectory;
        Progress = progress;
        CancellationToken = cancellationToken;
    }

    public string Kind { get; }

    public int Version { get; }

    public JsonObject Properties { get; }

    /// <summary>The folder of the model file being read, or null when reading from a stream.</summary>
    public string? ModelDirectory { get; }

    /// <summary>For batched transformers: told the rows computed so far (not saved; given to Load).</summary>
    public IProgress<long>? Progress { get; }

    /// <summary>For batched transformers: stops computation between batches (not saved; given to Load).</summary>
    public CancellationToken CancellationToken { get; }

    /// <summary>Throws <see cref="InvalidDataException"/> unless this code can read <see cref="Version"/>.</summary>
    public void CheckVersion(int newestReadable)
    {
        if (Version < 1 || Version > newestReadable)
            throw new InvalidDataException($"'{Kind}' was saved with version {Version}; this build reads versions 1 to {newestReadable}.");
    }

    /// <summary>A required property; a missing or malformed one throws <see cref="InvalidDataException"/> naming it.</summary>
    public T GetProperty<T>(string name)
    {
        if (!Properties.TryGetPropertyValue(name, out JsonNode? node) || node is null)
            throw new InvalidDataException($"'{Kind}' has no property '{name}'.");
        return Deserialize<T>(name, node) ?? throw new InvalidDataException($"'{Kind}': property '{name}' is null.");
    }

    /// <summary>An optional property, or <paramref name="fallback"/> when absent or null.</summary>
    public T? GetOptionalProperty<T>(string name, T? fallback = default) =>
        Properties.TryGetPropertyValue(name, out JsonNode? node) && node is not null ? Deserialize<T>(name, node) : fallback;

    /// <summary>The full path of a file reference written by <see cref="ModelSaveContext.MakePathReference"/>.</summary>
    public string ResolvePath(string reference)
    {
        ArgumentException.ThrowIfNullOrEmpty(reference);
        return Path.IsPathRooted(reference) || ModelDirectory is null ? Path.GetFullPath(reference) : Path.GetFullPath(Path.Combine(ModelDirectory, reference));
    }

    /// <summary>Loads a nested transformer saved with <see cref="ModelSaveContext.SaveNested"/>.</summary>
    public ITransformer LoadNested(JsonNode node) => ModelFile.LoadTransformer(node, ModelDirectory, Progress, CancellationToken);

    private T? Deserialize<T>(string name, JsonNode node)
    {
        try
        {
            return node.Deserialize<T>(ModelFile.JsonOptions);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"'{Kind}': property '{name}' is not a valid {typeof(T).Name}: {e.Message}", e);
        }
    }
}
