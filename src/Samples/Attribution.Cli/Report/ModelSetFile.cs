using System.Text.Json;
using System.Text.Json.Nodes;
using Attribution.Cli.Shared;

namespace Attribution.Cli.Report;

/// <summary>
/// Reads a model-set JSON such as <c>assets/models/shapes_models.json</c>. Accepted layouts (keys are matched leniently, so the file's
/// author has room): top-level defaults <c>classes</c> (or <c>class_names</c>, <c>labels</c>), <c>input_size</c> (or <c>size</c>,
/// <c>image_size</c>, <c>input_shape</c>: a number, or a shape whose last entry is used), <c>mean</c>, <c>std</c>; and <c>models</c> as an
/// array of objects or an object keyed by model name, each with <c>file</c> (or <c>path</c>, <c>onnx</c>, <c>model</c>; default
/// name + ".onnx") and optionally its own classes/size/mean/std. Without <c>models</c>, every *.onnx beside the file is used.
/// Relative paths start at the JSON file's folder. Mean/std above 1.5 are taken as 0–255 units and divided by 255.
/// </summary>
internal static class ModelSetFile
{
    public static IReadOnlyList<ModelSpec> Load(string path)
    {
        if (!File.Exists(path))
            throw new CliUsageException($"No model-set file at '{path}'.");
        string folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        JsonObject root;
        try
        {
            root = JsonNode.Parse(File.ReadAllText(path)) as JsonObject ?? throw new CliUsageException($"'{path}' must hold a JSON object.");
        }
        catch (JsonException e)
        {
            throw new CliUsageException($"'{path}' is not valid JSON: {e.Message}");
        }
        var defaults = Read(root);
        var specs = new List<ModelSpec>();
        JsonNode? models = Get(root, "models");
        if (models is JsonArray array)
        {
            foreach (JsonObject model in array.OfType<JsonObject>())
                specs.Add(Spec(model, (string?)Get(model, "name", "id") ?? Path.GetFileNameWithoutExtension(ModelFileOf(model) ?? "model"), defaults, folder));
        }
        else if (models is JsonObject byName)
        {
            foreach ((string name, JsonNode? value) in byName)
            {
                specs.Add(value is JsonObject model ? Spec(model, name, defaults, folder)
                    : new ModelSpec(name, Resolve(folder, value?.GetValue<string>() ?? name + ".onnx"), defaults.Classes, defaults.Size, defaults.Mean, defaults.Std));
            }
        }
        else
        {
            foreach (string onnx in Directory.EnumerateFiles(folder, "*.onnx").Order(StringComparer.Ordinal))
                specs.Add(new ModelSpec(Path.GetFileNameWithoutExtension(onnx), onnx, defaults.Classes, defaults.Size, defaults.Mean, defaults.Std));
        }
        if (specs.Count == 0)
            throw new CliUsageException($"'{path}' names no models.");
        return specs;
    }

    private static ModelSpec Spec(JsonObject model, string name, (IReadOnlyList<string>? Classes, int? Size, float[]? Mean, float[]? Std) defaults, string folder)
    {
        var own = Read(model);
        return new ModelSpec(name, Resolve(folder, ModelFileOf(model) ?? name + ".onnx"), own.Classes ?? defaults.Classes, own.Size ?? defaults.Size,
            own.Mean ?? defaults.Mean, own.Std ?? defaults.Std);
    }

    private static string? ModelFileOf(JsonObject model) => (string?)Get(model, "file", "path", "onnx", "model", "filename");

    private static (IReadOnlyList<string>? Classes, int? Size, float[]? Mean, float[]? Std) Read(JsonObject obj)
    {
        IReadOnlyList<string>? classes = (Get(obj, "classes", "class_names", "labels") as JsonArray)?.Select(c => (string)c!).ToList();
        int? size = Get(obj, "input_size", "size", "image_size", "input_shape") switch
        {
            JsonArray shape when shape.Count > 0 => (int)shape[^1]!,
            JsonValue value when value.TryGetValue(out int n) => n,
            _ => null,
        };
        return (classes, size, Floats(Get(obj, "mean")), Floats(Get(obj, "std")));
    }

    private static float[]? Floats(JsonNode? node)
    {
        if (node is not JsonArray array)
            return null;
        float[] values = array.Select(v => (float)v!).ToArray();
        return values.Any(v => v > 1.5f) ? values.Select(v => v / 255f).ToArray() : values;
    }

    private static JsonNode? Get(JsonObject obj, params string[] keys)
    {
        foreach (string key in keys)
        {
            foreach ((string name, JsonNode? value) in obj)
            {
                if (string.Equals(name.Replace("-", "_"), key, StringComparison.OrdinalIgnoreCase))
                    return value;
            }
        }
        return null;
    }

    private static string Resolve(string folder, string file) => Path.IsPathRooted(file) ? file : Path.GetFullPath(Path.Combine(folder, file));
}
