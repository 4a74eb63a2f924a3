using Attribution.Cli.Evaluation;
using Attribution.Cli.Shared;
using Microsoft.ML.Attribution.Datasets;

namespace Attribution.Cli.Scoring;

/// <summary>The images of a scoring run: image files and folders (no boxes), or a VOC folder, a CSV of boxes or a COCO JSON (with boxes).</summary>
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

    /// <summary>A VOC folder, CSV or COCO JSON (what `evaluate --dataset` reads); ids are paths relative to the dataset's folder.</summary>
    public static (IReadOnlyList<ScoreInput> Inputs, IReadOnlyList<string> ClassNames) FromDataset(string dataset, string? split, string? classesFile)
    {
        IReadOnlyList<string> classes = DatasetLoader.ReadClasses(classesFile, dataset);
        (AnnotatedDataset data, _, _) = DatasetLoader.Load(dataset, split, null, classes);
        string root = Directory.Exists(dataset) ? Path.GetFullPath(dataset) : Path.GetDirectoryName(Path.GetFullPath(dataset))!;
        var inputs = data.Images.Select(i => new ScoreInput(Path.GetRelativePath(root, i.Path).Replace('\\', '/'), i.Path, i)).ToList();
        return (Unique(inputs), data.ClassNames);
    }

    private static IReadOnlyList<ScoreInput> Unique(List<ScoreInput> inputs)
    {
        string? repeated = inputs.GroupBy(i => i.Id, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1)?.Key;
        if (repeated is not null)
            throw new CliUsageException($"Two inputs have the id '{repeated}': give each image once (ids are paths relative to the folder given).");
        return inputs.OrderBy(i => i.Id, StringComparer.Ordinal).ToList();
    }
}
