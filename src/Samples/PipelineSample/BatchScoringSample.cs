using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Attribution.Transforms;

namespace PipelineSample;

/// <summary>
/// Batch scoring: a folder of images, or a CSV of paths (and optional classes), into two files — every column in ML.NET's binary format
/// (maps.idv: the maps as Vector&lt;Single, H, W&gt;, readable with <c>mlContext.Data.LoadFromBinary</c>) and the scores as text
/// (scores.tsv: path, class, logit, error). Images that cannot be read get their error and the run goes on.
/// </summary>
public static class BatchScoringSample
{
    public static int Run(SampleData sample, string source, string method, string outputFolder, TextWriter output)
    {
        var mlContext = new MLContext(seed: 1);
        List<ScoringInput> inputs = ReadInputs(source);
        IDataView data = mlContext.Data.LoadFromEnumerable(inputs);
        // A CSV gives a class for every row or for none (then each image's top prediction is explained).
        bool targets = inputs.Count > 0 && inputs.All(i => i.Label >= 0);
        var pipeline = mlContext.Transforms.LoadImages("Image", imageFolder: null, inputColumnName: nameof(ScoringInput.ImagePath))
            .Append(mlContext.Transforms.Explain(new ExplainOptions
            {
                OutputColumnName = "Map", InputColumnName = "Image", ModelPath = sample.ModelPath, Method = method,
                TargetColumnName = targets ? nameof(ScoringInput.Label) : null, Mean = sample.Mean, Std = sample.Std, BatchSize = 16,
            }))
            .Append(mlContext.Transforms.SelectColumns(nameof(ScoringInput.ImagePath), "Map", "MapTarget", "MapLogit", "MapError"));

        using var model = pipeline.Fit(data);
        IDataView scored = model.Transform(data);
        Directory.CreateDirectory(outputFolder);
        string maps = Path.Combine(outputFolder, "maps.idv"), scores = Path.Combine(outputFolder, "scores.tsv");
        using (FileStream stream = File.Create(maps))
            mlContext.Data.SaveAsBinary(scored, stream);   // streams the rows: each batch is attributed once

        // The binary file reads back as a data view with the same columns; the text file of scores comes from it, not from a second pass.
        IDataView written = mlContext.Data.LoadFromBinary(maps);
        using (FileStream stream = File.Create(scores))
            mlContext.Data.SaveAsText(mlContext.Transforms.DropColumns("Map").Fit(written).Transform(written), stream, schema: false);
        int failed = mlContext.Data.CreateEnumerable<ScoredRow>(written, reuseRowObject: false).Count(r => r.MapError.Length > 0);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{method}: {inputs.Count} images → {maps} ({new FileInfo(maps).Length / 1024} KiB) and {scores}; {failed} could not be explained."));
        return 0;
    }

    /// <summary>Image files of a folder (class −1: each image's top prediction), or the rows of a CSV "path[,class]" (paths relative to it).</summary>
    public static List<ScoringInput> ReadInputs(string source)
    {
        string[] extensions = [".png", ".jpg", ".jpeg", ".bmp", ".webp"];
        if (Directory.Exists(source))
        {
            return Directory.EnumerateFiles(source).Where(f => extensions.Contains(Path.GetExtension(f).ToLowerInvariant())).Order()
                .Select(f => new ScoringInput { ImagePath = f, Label = -1 }).ToList();
        }
        if (!File.Exists(source))
            throw new FileNotFoundException($"No folder or CSV at '{source}'.", source);
        string folder = Path.GetDirectoryName(Path.GetFullPath(source))!;
        return File.ReadLines(source).Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#'))
            .Select(l => l.Split(','))
            .Where(f => !f[0].Equals("path", StringComparison.OrdinalIgnoreCase))
            .Select(f => new ScoringInput
            {
                ImagePath = Path.Combine(folder, f[0].Trim()),
                Label = f.Length > 1 && int.TryParse(f[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out int k) ? k : -1,
            }).ToList();
    }

    public sealed class ScoringInput
    {
        public string ImagePath { get; set; } = "";

        /// <summary>The class to explain; −1 for the top prediction.</summary>
        public int Label { get; set; }
    }

    public sealed class ScoredRow
    {
        public string ImagePath { get; set; } = "";

        public float MapLogit { get; set; }

        public string MapError { get; set; } = "";
    }
}
