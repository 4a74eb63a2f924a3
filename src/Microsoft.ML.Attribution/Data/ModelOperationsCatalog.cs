using System.ComponentModel;

namespace Microsoft.ML.Attribution.Data;

/// <summary>
/// Saving and loading fitted pipelines (<c>context.Model</c>, as ML.NET's <c>mlContext.Model</c>). A model file is a small JSON document of
/// each transformer's options; ONNX graphs are referenced by path (relative to the model file when they sit beside it), not embedded.
/// </summary>
public sealed class ModelOperationsCatalog
{
    internal ModelOperationsCatalog(AttributionContext context) => Context = context;

    [EditorBrowsable(EditorBrowsableState.Never)]
    public AttributionContext Context { get; }

    /// <summary>Writes <paramref name="model"/> (and, if given, the schema of the data it expects) to <paramref name="filePath"/>.</summary>
    public void Save(ITransformer model, DataViewSchema? inputSchema, string filePath)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrEmpty(filePath);
        string full = Path.GetFullPath(filePath);
        // Write to memory first so that a transformer that cannot be saved leaves no half-written file behind.
        using var buffer = new MemoryStream();
        ModelFile.Write(buffer, model, inputSchema, Path.GetDirectoryName(full));
        File.WriteAllBytes(full, buffer.ToArray());
    }

    /// <summary>Writes <paramref name="model"/> to a stream; file references are stored as full paths.</summary>
    public void Save(ITransformer model, DataViewSchema? inputSchema, Stream stream)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(stream);
        ModelFile.Write(stream, model, inputSchema, modelDirectory: null);
    }

    /// <summary>
    /// Reads a model saved by <see cref="Save(ITransformer, DataViewSchema, string)"/>. <paramref name="inputSchema"/> is the saved input
    /// schema (null if none was saved). <paramref name="progress"/> and <paramref name="cancellationToken"/> go to the batched transformers.
    /// </summary>
    public ITransformer Load(string filePath, out DataViewSchema? inputSchema, IProgress<long>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(filePath);
        string full = Path.GetFullPath(filePath);
        if (!File.Exists(full))
            throw new FileNotFoundException($"No model file at '{filePath}'.", filePath);
        using FileStream stream = File.OpenRead(full);
        return ModelFile.Read(stream, Path.GetDirectoryName(full), progress, cancellationToken, out inputSchema);
    }

    /// <summary>Reads a model from a stream; relative file references resolve against the current directory.</summary>
    public ITransformer Load(Stream stream, out DataViewSchema? inputSchema, IProgress<long>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        return ModelFile.Read(stream, modelDirectory: null, progress, cancellationToken, out inputSchema);
    }

    /// <summary>Lets model files rebuild transformers of <paramref name="kind"/> defined outside this library.</summary>
    public static void RegisterLoader(string kind, Func<ModelLoadContext, ITransformer> load)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(kind);
        ArgumentNullException.ThrowIfNull(load);
        ModelFile.Register(kind, load);
    }
}
