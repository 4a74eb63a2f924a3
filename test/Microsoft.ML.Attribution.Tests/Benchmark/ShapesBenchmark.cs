using System.Diagnostics;
using System.Text.Json;
using Microsoft.ML.Attribution.Tests.Onnx;

namespace Microsoft.ML.Attribution.Tests.Benchmark;

/// <summary>
/// Paths of the committed shapes benchmark sample and default models, and a runner for tools/make_shapes_benchmark.py
/// (Debian's /usr/bin/python3 with numpy and PIL).
/// </summary>
internal static class ShapesBenchmark
{
    /// <summary>The documented command that regenerates the committed sample, without --out.</summary>
    public static readonly string[] SampleArguments = ["--seed", "20240607", "--test-only", "40"];

    public static string SampleFolder => Path.Combine(TorchvisionExportTests.RepositoryRoot(), "src", "Samples", "assets", "shapes-voc");

    public static string ModelsFolder => Path.Combine(TorchvisionExportTests.RepositoryRoot(), "src", "Samples", "assets", "models");

    public static IReadOnlyList<string> ReadClasses(string folder) =>
        File.ReadAllLines(Path.Combine(folder, "classes.txt")).Where(l => l.Length > 0).ToArray();

    /// <summary>Runs the generator into <paramref name="outFolder"/> with the given arguments; throws with its output on failure.</summary>
    public static void Generate(string outFolder, params string[] arguments)
    {
        string script = Path.Combine(TorchvisionExportTests.RepositoryRoot(), "tools", "make_shapes_benchmark.py");
        var start = new ProcessStartInfo("/usr/bin/python3")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(script);
        foreach (string a in arguments) start.ArgumentList.Add(a);
        start.ArgumentList.Add("--out");
        start.ArgumentList.Add(outFolder);
        using Process process = Process.Start(start) ?? throw new InvalidOperationException("could not start /usr/bin/python3");
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(TimeSpan.FromMinutes(5)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"make_shapes_benchmark.py {string.Join(' ', arguments)} did not finish in 5 minutes");
        }
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"make_shapes_benchmark.py {string.Join(' ', arguments)} failed ({process.ExitCode}):\n{stdout}\n{stderr.Result}");
    }

    /// <summary>Every file under the folder, as paths relative to it with '/' separators, sorted ordinally.</summary>
    public static string[] RelativeFiles(string folder) =>
        Directory.GetFiles(folder, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(folder, f).Replace(Path.DirectorySeparatorChar, '/'))
            .Order(StringComparer.Ordinal)
            .ToArray();

    /// <summary>Asserts that two folders hold the same file names with byte-identical contents; reports the first few differences.</summary>
    public static void AssertSameFiles(string expectedFolder, string actualFolder, string what)
    {
        string[] expected = RelativeFiles(expectedFolder), actual = RelativeFiles(actualFolder);
        CollectionAssert.AreEqual(expected, actual, $"{what}: the file lists differ");
        List<string> different = expected
            .Where(f => !File.ReadAllBytes(Path.Combine(expectedFolder, f)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(actualFolder, f))))
            .ToList();
        Assert.IsEmpty(different, $"{what}: {different.Count} of {expected.Length} files differ, e.g. {string.Join(", ", different.Take(5))}");
    }

    public static JsonElement ReadModelsJson()
    {
        using JsonDocument document = JsonDocument.Parse(File.ReadAllText(Path.Combine(ModelsFolder, "shapes_models.json")));
        return document.RootElement.Clone();
    }

    /// <summary>
    /// The generator arguments recorded in shapes_models.json (the dataset the models were trained and tested on), with
    /// the test split cut to its first <paramref name="testImages"/> images.
    /// </summary>
    public static string[] TestSplitArguments(JsonElement modelsJson, int testImages)
    {
        JsonElement b = modelsJson.GetProperty("benchmark");
        string Number(string name) => b.GetProperty(name).GetRawText();
        return ["--seed", Number("seed"), "--test-only", testImages.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--min-radius", Number("min_radius"), "--max-radius", Number("max_radius"),
            "--max-objects", Number("max_objects"), "--max-distractors", Number("max_distractors")];
    }
}

/// <summary>A temporary folder deleted on dispose.</summary>
internal sealed class TempFolder : IDisposable
{
    public TempFolder(string prefix) => Path = Directory.CreateTempSubdirectory(prefix).FullName;

    public string Path { get; }

    public string Sub(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        if (Directory.Exists(Path)) Directory.Delete(Path, recursive: true);
    }
}
