using System.IO.Compression;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.ML.Data;

namespace Microsoft.ML.Attribution.Persistence;

/// <summary>
/// Saving and loading fitted chains that hold attribution transformers. <c>mlContext.Model.Save</c> cannot: ML.NET's model files hold only
/// transformers whose loaders ML.NET registers through internal types. These calls write one zip: every run of ML.NET transformers saved by
/// ML.NET itself (a model zip inside), ours as their options, the ONNX files they use (embedded, or referenced by path and SHA-256), and
/// the chain's input schema. Loading rebuilds the same chain, which gives the same outputs.
/// </summary>
public static class AttributionModelCatalog
{
    private const string ManifestEntry = "attribution-model.json";
    private const string InputSchemaEntry = "input-schema.zip";
    private const string Format = "Microsoft.ML.Attribution.Model";
    private const int Version = 1;

    /// <summary>
    /// Saves <paramref name="model"/> (a chain with ML.NET's and our transformers, or one transformer) fitted on <paramref name="inputSchema"/>
    /// to <paramref name="filePath"/>. With <paramref name="embedModels"/> the ONNX files go into the zip; without, their paths and SHA-256
    /// hashes (smaller, but the files must stay where they are, unchanged).
    /// </summary>
    public static void SaveWithAttribution(this ModelOperationsCatalog catalog, ITransformer model, DataViewSchema inputSchema, string filePath, bool embedModels = true)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(inputSchema);
        ArgumentException.ThrowIfNullOrEmpty(filePath);
        string partial = filePath + ".partial";
        try
        {
            using (var zip = new ZipArchive(File.Create(partial), ZipArchiveMode.Create))
                Write(catalog, model, inputSchema, zip, embedModels);
            File.Move(partial, filePath, overwrite: true);
        }
        finally
        {
            File.Delete(partial);
        }
    }

    /// <summary>Loads a chain saved by <see cref="SaveWithAttribution"/>; <paramref name="inputSchema"/> is the schema it was saved with.</summary>
    public static TransformerChain<ITransformer> LoadWithAttribution(this ModelOperationsCatalog catalog, string filePath, out DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentException.ThrowIfNullOrEmpty(filePath);
        if (!File.Exists(filePath))
            throw new FileNotFoundException($"No saved model at '{filePath}'.", filePath);
        using ZipArchive zip = OpenZip(filePath);
        var archive = new ModelArchiveReader(zip, filePath);
        JsonObject manifest = ReadManifest(archive);
        inputSchema = LoadMlNet(catalog, archive, InputSchemaEntry).Schema;
        var parts = new List<ITransformer>();
        try
        {
            foreach (JsonNode? node in manifest["parts"]?.AsArray() ?? throw archive.Corrupt("the manifest lists no parts"))
            {
                JsonObject part = node?.AsObject() ?? throw archive.Corrupt("the manifest has an empty part");
                string kind = part["kind"]?.GetValue<string>() ?? throw archive.Corrupt("a part has no kind");
                if (kind == "ML.NET")
                    parts.AddRange(Flatten(LoadMlNet(catalog, archive, part["entry"]?.GetValue<string>() ?? throw archive.Corrupt("an ML.NET part names no entry")).Model));
                else
                    parts.Add(PersistentTransformers.Load(kind, part["options"]?.AsObject() ?? throw archive.Corrupt($"the {kind} part has no options"), archive));
            }
        }
        catch
        {
            foreach (IDisposable disposable in parts.OfType<IDisposable>())
                disposable.Dispose();
            throw;
        }
        return new TransformerChain<ITransformer>(parts.ToArray());
    }

    private static void Write(ModelOperationsCatalog catalog, ITransformer model, DataViewSchema inputSchema, ZipArchive zip, bool embedModels)
    {
        var archive = new ModelArchiveWriter(zip, embedModels);
        using (Stream stream = archive.CreateEntry(InputSchemaEntry))
            catalog.Save(new TransformerChain<ITransformer>(), inputSchema, stream);

        var parts = new JsonArray();
        var segment = new List<ITransformer>();
        DataViewSchema schema = inputSchema, segmentSchema = inputSchema;
        void FlushSegment()
        {
            if (segment.Count == 0)
                return;
            string entry = $"parts/{parts.Count}.zip";
            using (Stream stream = archive.CreateEntry(entry))
                catalog.Save(new TransformerChain<ITransformer>(segment.ToArray()), segmentSchema, stream);
            parts.Add(new JsonObject { ["kind"] = "ML.NET", ["entry"] = entry });
            segment.Clear();
        }
        foreach (ITransformer transformer in Flatten(model))
        {
            if (transformer is IPersistentTransformer ours)
            {
                FlushSegment();
                parts.Add(new JsonObject { ["kind"] = ours.Kind, ["options"] = ours.Describe(archive) });
            }
            else
            {
                if (segment.Count == 0)
                    segmentSchema = schema;
                segment.Add(transformer);
            }
            schema = transformer.GetOutputSchema(schema);
        }
        FlushSegment();

        var manifest = new JsonObject { ["format"] = Format, ["version"] = Version, ["parts"] = parts };
        using Stream manifestStream = archive.CreateEntry(ManifestEntry);
        using var writer = new Utf8JsonWriter(manifestStream, new JsonWriterOptions { Indented = true });
        manifest.WriteTo(writer);
    }

    /// <summary>The transformers of a chain in order, nested chains opened (EstimatorChain.Fit nests them when chains are appended).</summary>
    private static IEnumerable<ITransformer> Flatten(ITransformer model) =>
        model is IEnumerable<ITransformer> chain ? chain.SelectMany(Flatten) : [model];

    private static (ITransformer Model, DataViewSchema Schema) LoadMlNet(ModelOperationsCatalog catalog, ModelArchiveReader archive, string entry)
    {
        // ML.NET's loader needs a seekable stream.
        using var buffer = new MemoryStream();
        using (Stream stream = archive.OpenEntry(entry))
            stream.CopyTo(buffer);
        buffer.Position = 0;
        ITransformer model = catalog.Load(buffer, out DataViewSchema schema);
        return (model, schema);
    }

    private static ZipArchive OpenZip(string filePath)
    {
        try
        {
            return ZipFile.OpenRead(filePath);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"'{filePath}' is not a readable attribution model: not a zip file ({e.Message}).", e);
        }
    }

    private static JsonObject ReadManifest(ModelArchiveReader archive)
    {
        JsonObject manifest;
        try
        {
            using Stream stream = archive.OpenEntry(ManifestEntry);
            manifest = JsonNode.Parse(stream)?.AsObject() ?? throw archive.Corrupt("the manifest is empty");
        }
        catch (JsonException e)
        {
            throw archive.Corrupt($"the manifest is not JSON ({e.Message})");
        }
        if (manifest["format"]?.GetValue<string>() != Format)
            throw archive.Corrupt("it was not written by SaveWithAttribution (a model saved by mlContext.Model.Save loads with mlContext.Model.Load)");
        int version = manifest["version"]?.GetValue<int>() ?? 0;
        if (version != Version)
            throw archive.Corrupt($"format version {version}; this library reads version {Version}");
        return manifest;
    }
}
