using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Attribution.Transforms;
using Microsoft.ML.Transforms.Image;

namespace PipelineSample;

/// <summary>
/// The Model Builder-style sample: LoadImages → ResizeImages → ExtractPixels → NormalizePixels → ApplyOnnxModel (ONNX Runtime's scores) →
/// Dmbp (the map of each image's class) → PointingGame → CreateEnumerable, printed as a table.
/// </summary>
public static class ModelBuilderSample
{
    public static int Run(SampleData sample, int iterations, TextWriter output)
    {
        var mlContext = new MLContext(seed: 1);
        IDataView data = mlContext.Data.LoadFromEnumerable(sample.Rows);
        var pipeline = mlContext.Transforms.LoadImages("Image", imageFolder: null, inputColumnName: nameof(ImageInput.ImagePath))
            .Append(mlContext.Transforms.ResizeImages("Resized", sample.Size, sample.Size, "Image", ImageResizingEstimator.ResizingKind.Fill))
            .Append(mlContext.Transforms.ExtractPixels("Pixels", "Resized", scaleImage: 1 / 255f))
            .Append(mlContext.Transforms.NormalizePixels(sample.InputName, "Pixels", sample.Mean, sample.Std))
            .Append(mlContext.Transforms.ApplyOnnxModel(sample.LogitsName, sample.InputName, sample.ModelPath))
            .Append(mlContext.Transforms.CopyColumns(nameof(ExplainedImage.OnnxLogits), sample.LogitsName))
            .Append(mlContext.Transforms.Dmbp("Map", sample.InputName, sample.ModelPath, targetColumnName: nameof(ImageInput.Label),
                options: new Dictionary<string, string> { ["iterations"] = iterations.ToString(CultureInfo.InvariantCulture) }))
            .Append(mlContext.Transforms.PointingGame("Pointing", "Map", nameof(ImageInput.Boxes), tolerance: 15.0 * sample.Size / 224));

        // Fit imports the model and checks every schema; Transform is lazy: Dmbp runs one batched pass per mini-batch as rows are read.
        using var model = pipeline.Fit(data);
        IDataView scored = model.Transform(data);
        output.WriteLine($"DMBP ({iterations} iterations) on {Path.GetFileName(sample.ModelPath)}; input {sample.Size}×{sample.Size}; {sample.Rows.Count} images");
        output.WriteLine($"{"image",-16} {"class",-10} {"logit",8} {"ORT logit",10} {"max point",12} {"pointing",9}");
        int hits = 0, scoredRows = 0;
        foreach (ExplainedImage row in mlContext.Data.CreateEnumerable<ExplainedImage>(scored, reuseRowObject: false))
        {
            string error = new[] { row.ExplainError, row.PointingError }.FirstOrDefault(e => e.Length > 0) ?? "";
            string name = Path.GetFileNameWithoutExtension(row.ImagePath);
            if (error.Length > 0)
            {
                output.WriteLine($"{name,-16} {sample.Classes[row.Label],-10} {error}");
                continue;
            }
            scoredRows++;
            hits += row.Hit ? 1 : 0;
            string point = string.Create(CultureInfo.InvariantCulture, $"({row.MaxPoint[0]:F0}, {row.MaxPoint[1]:F0})");
            float onnxLogit = row.OnnxLogits[row.ExplainedClass];
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{name,-16} {sample.Classes[row.ExplainedClass],-10} {row.Logit,8:F2} {onnxLogit,10:F2} {point,12} {(row.Hit ? "hit" : "miss"),9}"));
        }
        output.WriteLine($"Pointing game: {hits} of {scoredRows} hits ({(scoredRows == 0 ? 0 : 100.0 * hits / scoredRows):F1} %).");
        return scoredRows == 0 ? 1 : 0;
    }
}
