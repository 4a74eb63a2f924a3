using Attribution.Cli.Shared;
using Microsoft.ML.Attribution.Datasets;
using Microsoft.ML.Attribution.Metrics;

namespace Attribution.Cli.Evaluation;

/// <summary>
/// Reads --dataset: a PASCAL VOC folder (Annotations/, ImageSets/Main/&lt;split&gt;.txt, JPEGImages/), a CSV of boxes, or a COCO instances JSON.
/// Also picks up a VOC folder's pointing_difficult.txt (the difficult pairs) and classes.txt.
/// </summary>
internal static class DatasetLoader
{
    private static readonly string[] Splits = ["test", "val", "trainval", "train"];
    private static readonly string[] ImageExtensions = [".jpg", ".png", ".jpeg", ".bmp"];

    /// <summary>The class names in the model's output order: --classes, else the dataset's classes.txt, else the 20 VOC classes.</summary>
    public static IReadOnlyList<string> ReadClasses(string? classesFile, string dataset)
    {
        if (classesFile is not null)
        {
            if (!File.Exists(classesFile))
                throw new CliUsageException($"--classes '{classesFile}' does not exist.");
            return ReadLines(classesFile);
        }
        string beside = Path.Combine(Directory.Exists(dataset) ? dataset : Path.GetDirectoryName(Path.GetFullPath(dataset))!, "classes.txt");
        return File.Exists(beside) ? ReadLines(beside) : PascalVocReader.VocClassNames;
    }

    public static (AnnotatedDataset Dataset, DifficultPairs? Difficult, string Split) Load(string dataset, string? split, string? imageFolder, IReadOnlyList<string> classes)
    {
        try
        {
            if (Directory.Exists(dataset))
                return LoadVoc(dataset, split, classes);
            if (!File.Exists(dataset))
                throw new CliUsageException($"--dataset '{dataset}' is neither a VOC folder nor a CSV/COCO JSON file.");
            if (Path.GetExtension(dataset).Equals(".csv", StringComparison.OrdinalIgnoreCase))
                return (CsvAnnotationReader.Read(dataset, imageFolder, classes), null, "csv");
            if (Path.GetExtension(dataset).Equals(".json", StringComparison.OrdinalIgnoreCase))
                return (CocoInstancesReader.Read(dataset, imageFolder ?? Path.GetDirectoryName(Path.GetFullPath(dataset))!), null, "coco");
            throw new CliUsageException($"--dataset '{dataset}': expected a VOC folder, a .csv or a COCO .json.");
        }
        catch (Exception e) when (e is InvalidDataException or FileNotFoundException or DirectoryNotFoundException)
        {
            throw new CliUsageException($"Cannot read the dataset '{dataset}': {e.Message}");
        }
    }

    private static (AnnotatedDataset, DifficultPairs?, string) LoadVoc(string root, string? split, IReadOnlyList<string> classes)
    {
        string main = Path.Combine(root, "ImageSets", "Main");
        string chosen = split ?? Splits.FirstOrDefault(s => File.Exists(Path.Combine(main, s + ".txt")))
            ?? throw new CliUsageException($"'{root}' has no split file in ImageSets/Main (looked for {string.Join(", ", Splits)}).");
        AnnotatedDataset read = PascalVocReader.Read(root, chosen, classes);
        // VOC names images <id>.jpg; datasets written in VOC layout with other formats (the shapes sample uses PNG) keep the id.
        var images = read.Images.Select(i => File.Exists(i.Path) ? i : i with { Path = FindImage(i.Path) }).ToList();
        string difficultFile = Path.Combine(root, "pointing_difficult.txt");
        DifficultPairs? difficult = File.Exists(difficultFile) ? DifficultPairs.Load(difficultFile, classes) : null;
        return (read with { Images = images }, difficult, chosen);
    }

    private static string FindImage(string jpegPath)
    {
        string stem = Path.Combine(Path.GetDirectoryName(jpegPath)!, Path.GetFileNameWithoutExtension(jpegPath));
        return ImageExtensions.Select(e => stem + e).FirstOrDefault(File.Exists) ?? jpegPath;
    }

    private static IReadOnlyList<string> ReadLines(string path) =>
        File.ReadLines(path).Select(l => l.Trim()).Where(l => l.Length > 0).ToList();
}
