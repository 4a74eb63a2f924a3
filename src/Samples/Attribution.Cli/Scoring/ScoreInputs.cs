using Attribution.Cli.Evaluation;
using Attribution.Cli.Shared;
using Microsoft.ML.Attribution.Datasets;

namespace Attribution.Cli.Scoring;

/// <summary>
/// The images of a scoring run: image files and folders (no boxes), or a VOC folder, a CSV (paths, optional per-image targets,
/// optional boxes) or a COCO JSON.
/// </summary>
internal static class ScoreInputs
{
    private static readonly string[] ImageExtensions = [".png", ".jpg", ".jpeg", ".bmp", ".gif", ".webp"];

    /// <summary>Image files and folders (recursively); ids are paths relative to each folder given, or file names.</summary>
    public static IReadOnlyList<ScoreInput> FromFiles(IEnumerable<string> inputs)
    {
        var found = new List<ScoreInput>();
        foreach (string input in inputs)
        {
            if (Directory.Exists(input))
            {
                string root = Path.GetFullPath(input);
                foreach (string file in Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
                             .Where(f => ImageExtensions.Contains(Path.GetExtension(f).ToLowerInvariant())))
                    found.Add(new ScoreInput(Path.GetRelativePath(root, file).Replace('\\', '/'), file, null));
            }
            else if (File.Exists(input))
                found.Add(new ScoreInput(Path.GetFileName(input), Path.GetFullPath(input), null));
            else
                throw new CliUsageException($"--input '{input}' is neither an image file nor a folder.");
        }
        return Unique(found);
    }

    /// <summary>The path relative to the root when it lies under it (a dataset's own images), else the full path (a CSV listing images elsewhere).</summary>
    private static string IdUnder(string root, string path)
    {
        string relative = Path.GetRelativePath(root, Path.GetFullPath(path));
        return (relative.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(relative) ? Path.GetFullPath(path) : relative).Replace('\\', '/');
    }

    /// <summary>A VOC folder, CSV or COCO JSON (what `evaluate --dataset` reads); ids are paths relative to the dataset's folder.</summary>
    public static (IReadOnlyList<ScoreInput> Inputs, IReadOnlyList<string> ClassNames) FromDataset(string dataset, string? split, string? classesFile)
    {
        IReadOnlyList<string> classes = DatasetLoader.ReadClasses(classesFile, dataset);
        (AnnotatedDataset data, _, _) = DatasetLoader.Load(dataset, split, null, classes);
        string root = Directory.Exists(dataset) ? Path.GetFullPath(dataset) : Path.GetDirectoryName(Path.GetFullPath(dataset))!;
        var inputs = data.Images.Select(i => new ScoreInput(IdUnder(root, i.Path), i.Path, i)).ToList();
        return (Unique(inputs), data.ClassNames);
    }

    /// <summary>
    /// The class each input explains: its own target (a CSV's target column: a class index, or a name from the class list), else the
    /// run's --target (<paramref name="fallback"/>, null = top-1). Checked for every input before any is scored, so a bad line stops
    /// the run at once rather than hours in.
    /// </summary>
    public static IReadOnlyList<int?> Targets(IReadOnlyList<ScoreInput> inputs, int? fallback, IReadOnlyList<string>? classNames, int classCount) =>
        inputs.Select(input => input.Annotation?.Target is string written ? Resolve(input.Id, written, classNames, classCount) : fallback).ToList();

    private static int Resolve(string id, string written, IReadOnlyList<string>? classNames, int classCount)
    {
        if (int.TryParse(written, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out int index))
            return index >= 0 && index < classCount ? index
                : throw new CliUsageException($"'{id}': target {index} is outside the model's classes 0–{classCount - 1}.");
        int named = classNames is null ? -1 : classNames.ToList().IndexOf(written);
        if (named < 0)
            throw new CliUsageException($"'{id}': target '{written}' is neither a class index nor one of the class names (--classes, classes.txt beside the dataset, else VOC's).");
        return named < classCount ? named
            : throw new CliUsageException($"'{id}': target '{written}' is class {named}, outside the model's classes 0–{classCount - 1}.");
    }

    private static IReadOnlyList<ScoreInput> Unique(List<ScoreInput> inputs)
    {
        string? repeated = inputs.GroupBy(i => i.Id, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1)?.Key;
        if (repeated is not null)
            throw new CliUsageException($"Two inputs have the id '{repeated}': give each image once (ids are paths relative to the folder given).");
        return inputs.OrderBy(i => i.Id, StringComparer.Ordinal).ToList();
    }
}
