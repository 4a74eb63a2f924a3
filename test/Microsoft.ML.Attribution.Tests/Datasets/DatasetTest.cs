namespace Microsoft.ML.Attribution.Tests.Datasets;

/// <summary>Base for reader tests: fixture paths and a scratch folder for hand-written malformed files.</summary>
public abstract class DatasetTest
{
    private string? _scratch;

    protected static string FixturePath(params string[] parts) =>
        Path.Combine(new[] { AppContext.BaseDirectory, "fixtures", "datasets" }.Concat(parts).ToArray());

    /// <summary>Writes a file under a per-test scratch folder and returns its path.</summary>
    protected string WriteScratch(string relativePath, string content)
    {
        _scratch ??= Directory.CreateTempSubdirectory("mla-datasets-").FullName;
        string path = Path.Combine(_scratch, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
        return path;
    }

    protected string ScratchFolder => _scratch ?? throw new InvalidOperationException("nothing written yet");

    [TestCleanup]
    public void DeleteScratch()
    {
        if (_scratch != null && Directory.Exists(_scratch)) Directory.Delete(_scratch, recursive: true);
    }
}
