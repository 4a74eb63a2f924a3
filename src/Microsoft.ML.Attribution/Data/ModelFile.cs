using System.Collections.Concurrent;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Microsoft.ML.Attribution.Data;

/// <summary>
/// The model file format: one JSON document
/// <c>{"format": "microsoft-ml-attribution-model", "formatVersion": 1, "inputSchema": [...], "model": {"kind", "version", "properties"}}</c>.
/// Files the model refers to (ONNX graphs) are referenced by path, not embedded, so the JSON stays small and readable.
/// </summary>
internal static class ModelFile
{
    public const string Format = "microsoft-ml-attribution-model";
    public const int FormatVersion = 1;

    private static readonly ConcurrentDictionary<string, Func<ModelLoadContext, ITransformer>> s_loaders = CreateBuiltInLoaders();

    public static JsonSerializerOptions JsonOptions { get; } = new()
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter() },
    };

    public static void Register(string kind, Func<ModelLoadContext, ITransformer> load) => s_loaders[kind] = load;

    public static void Write(Stream stream, ITransformer model, DataViewSchema? inputSchema, string? modelDirectory)
    {
        var context = new ModelSaveContext(modelDirectory);
        model.Save(context);
        var document = new JsonObject
        {
            ["format"] = Format,
            ["formatVersion"] = FormatVersion,
            ["inputSchema"] = inputSchema is null ? null : SchemaToJson(inputSchema),
            ["model"] = context.ToJson(model),
        };
        using var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        document.WriteTo(writer);
    }

    public static ITransformer Read(Stream stream, string? modelDirectory, IProgress<long>? progress, CancellationToken cancellationToken,
        out DataViewSchema? inputSchema)
    {
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(stream);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"Not a model file (invalid JSON): {e.Message}", e);
        }
        if (root is not JsonObject document || (string?)document["format"] != Format)
            throw new InvalidDataException($"Not a model file: the JSON has no \"format\": \"{Format}\".");
        int version = (int?)document["formatVersion"] ?? 0;
        if (version is < 1 or > FormatVersion)
            throw new InvalidDataException($"The model file has format version {version}; this build reads versions 1 to {FormatVersion}.");
        inputSchema = document["inputSchema"] is JsonArray schema ? SchemaFromJson(schema) : null;
        JsonNode model = document["model"] ?? throw new InvalidDataException("The model file has no \"model\".");
        return LoadTransformer(model, modelDirectory, progress, cancellationToken);
    }

    public static ITransformer LoadTransformer(JsonNode node, string? modelDirectory, IProgress<long>? progress, CancellationToken cancellationToken)
    {
        if (node is not JsonObject entry || entry["kind"] is not JsonValue kindValue || !kindValue.TryGetValue(out string? kind))
            throw new InvalidDataException($"A saved transformer must be an object with a \"kind\"; got {node.ToJsonString()}.");
        if (!s_loaders.TryGetValue(kind, out Func<ModelLoadContext, ITransformer>? load))
            throw new InvalidDataException($"Unknown transformer kind '{kind}' in the model file. Known kinds: {string.Join(", ", s_loaders.Keys.Order())}. " +
                "Kinds from other assemblies must be registered with ModelOperationsCatalog.RegisterLoader before loading.");
        int version = (int?)entry["version"] ?? 1;
        var properties = entry["properties"] as JsonObject ?? new JsonObject();
        return load(new ModelLoadContext(kind, version, properties, modelDirectory, progress, cancellationToken));
    }

    // Schema entries: {"name", "type"} with type "Single", "String", "Boolean", "DataViewRowId", or an object for vectors, keys and images.
    private static JsonArray SchemaToJson(DataViewSchema schema)
    {
        var columns = new JsonArray();
        foreach (DataViewSchema.Column column in schema)
            columns.Add(new JsonObject { ["name"] = column.Name, ["type"] = TypeToJson(column.Type, column.Name) });
        return columns;
    }

    private static JsonNode TypeToJson(DataViewType type, string column) => type switch
    {
        NumberDataViewType or TextDataViewType or BooleanDataViewType or RowIdDataViewType => JsonValue.Create(type.ToString())!,
        KeyDataViewType key => new JsonObject { ["key"] = key.RawType.Name, ["count"] = key.Count },
        VectorDataViewType vector => new JsonObject { ["vector"] = TypeToJson(vector.ItemType, column), ["dimensions"] = new JsonArray(vector.Dimensions.Select(d => (JsonNode)d).ToArray()) },
        ImageDataViewType image => new JsonObject { ["image"] = image.RawType.AssemblyQualifiedName, ["height"] = image.Height, ["width"] = image.Width },
        _ => throw new NotSupportedException($"Cannot save the input schema: column '{column}' has type {type}, which model files do not describe."),
    };

    private static DataViewSchema SchemaFromJson(JsonArray columns)
    {
        var builder = new DataViewSchema.Builder();
        foreach (JsonNode? node in columns)
        {
            string name = (string?)node?["name"] ?? throw new InvalidDataException("An input schema column has no name.");
            builder.AddColumn(name, TypeFromJson(node!["type"], name));
        }
        return builder.ToSchema();
    }

    private static DataViewType TypeFromJson(JsonNode? node, string column)
    {
        InvalidDataException Bad() => new($"Input schema column '{column}': unreadable type {node?.ToJsonString() ?? "null"}.");
        if (node is JsonValue value && value.TryGetValue(out string? name))
        {
            return name switch
            {
                "String" => TextDataViewType.Instance,
                "Boolean" => BooleanDataViewType.Instance,
                "DataViewRowId" => RowIdDataViewType.Instance,
                _ => NumberByName(name) ?? throw Bad(),
            };
        }
        if (node is not JsonObject obj)
            throw Bad();
        if (obj["vector"] is JsonNode item)
        {
            var itemType = TypeFromJson(item, column) as PrimitiveDataViewType ?? throw Bad();
            int[] dimensions = obj["dimensions"]?.AsArray().Select(d => (int)d!).ToArray() ?? [0];
            return new VectorDataViewType(itemType, dimensions);
        }
        if (obj["key"] is JsonNode keyRaw)
            return new KeyDataViewType(NumberByName((string?)keyRaw ?? "")?.RawType ?? throw Bad(), (ulong?)obj["count"] ?? throw Bad());
        if (obj["image"] is JsonNode imageRaw)
        {
            Type clrType = Type.GetType((string?)imageRaw ?? "") ?? throw new InvalidDataException($"Input schema column '{column}': image type '{imageRaw}' is not loaded.");
            return new ImageDataViewType(clrType, (int?)obj["height"] ?? 0, (int?)obj["width"] ?? 0);
        }
        throw Bad();
    }

    private static NumberDataViewType? NumberByName(string name) =>
        new[]
        {
            NumberDataViewType.SByte, NumberDataViewType.Byte, NumberDataViewType.Int16, NumberDataViewType.UInt16, NumberDataViewType.Int32,
            NumberDataViewType.UInt32, NumberDataViewType.Int64, NumberDataViewType.UInt64, NumberDataViewType.Single, NumberDataViewType.Double,
        }.FirstOrDefault(t => t.ToString() == name);

    // The library's own loadable transformers, found once by their attribute.
    private static ConcurrentDictionary<string, Func<ModelLoadContext, ITransformer>> CreateBuiltInLoaders()
    {
        var loaders = new ConcurrentDictionary<string, Func<ModelLoadContext, ITransformer>>(StringComparer.Ordinal);
        foreach (Type type in typeof(ModelFile).Assembly.GetTypes())
        {
            if (type.GetCustomAttribute<LoadableTransformerAttribute>() is not { } attribute)
                continue;
            MethodInfo load = type.GetMethod("Load", BindingFlags.Public | BindingFlags.Static, [typeof(ModelLoadContext)])
                ?? throw new InvalidOperationException($"{type.Name} is marked loadable but has no public static Load(ModelLoadContext).");
            loaders[attribute.Kind] = load.CreateDelegate<Func<ModelLoadContext, ITransformer>>();
        }
        return loaders;
    }
}
