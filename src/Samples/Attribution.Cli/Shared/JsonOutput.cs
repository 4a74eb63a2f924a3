using System.Text.Json;
using System.Text.Json.Nodes;

namespace Attribution.Cli.Shared;

/// <summary>Writes the CLI's JSON outputs (indented, UTF-8, creating the folder).</summary>
internal static class JsonOutput
{
    public static void Write(string path, JsonNode document)
    {
        string? folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (folder is not null)
            Directory.CreateDirectory(folder);
        File.WriteAllText(path, document.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
    }

    /// <summary>NaN and infinities are not JSON numbers: they become null.</summary>
    public static JsonNode? Number(double value) => double.IsFinite(value) ? JsonValue.Create(Math.Round(value, 6)) : null;
}
