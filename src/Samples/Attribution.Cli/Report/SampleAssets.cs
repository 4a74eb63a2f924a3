namespace Attribution.Cli.Report;

/// <summary>
/// Finds the bundled sample assets (<c>src/Samples/assets</c>: <c>models/shapes_models.json</c> with the default models, and the VOC-layout
/// sample <c>shapes-voc/</c>): copied beside the CLI by its project file, or found by walking up from the current folder (dotnet run).
/// </summary>
internal static class SampleAssets
{
    public static string? Locate()
    {
        var candidates = new List<string> { Path.Combine(AppContext.BaseDirectory, "assets") };
        foreach (string start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (DirectoryInfo? dir = new(start); dir is not null; dir = dir.Parent)
                candidates.Add(Path.Combine(dir.FullName, "src", "Samples", "assets"));
        }
        return candidates.FirstOrDefault(c => File.Exists(Path.Combine(c, "models", "shapes_models.json")));
    }
}
