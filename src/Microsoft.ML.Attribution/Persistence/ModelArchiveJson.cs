using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Microsoft.ML.Attribution.Persistence;

/// <summary>The JSON spelling of saved options: camelCase, enums by name, run-time-only members ([JsonIgnore]) left out.</summary>
internal static class ModelArchiveJson
{
    public static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter() },
    };

    public static JsonObject ToObject<T>(T value) => JsonSerializer.SerializeToNode(value, Options)!.AsObject();

    public static T FromObject<T>(JsonObject json) =>
        json.Deserialize<T>(Options) ?? throw new InvalidDataException($"The saved {typeof(T).Name} is empty.");
}
