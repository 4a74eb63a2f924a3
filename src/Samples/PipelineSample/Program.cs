// A Model Builder-style console sample: an ML.NET pipeline that loads images with ML.NET's own transforms, scores them with ONNX Runtime
// (ApplyOnnxModel), explains the model's decision for each image's class with DMBP, scores each map with the pointing game, and reads the
// rows back as objects.
//
//   dotnet run --project src/Samples/PipelineSample                                   # the bundled default model and samples
//   dotnet run --project src/Samples/PipelineSample -- MODEL.onnx VOC_FOLDER [SIZE] [MEAN_R,G,B STD_R,G,B]
using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.ML;
using Microsoft.ML.Attribution.Datasets;
using Microsoft.ML.Attribution.Graph;
using Microsoft.ML.Attribution.Methods;
using Microsoft.ML.Attribution.Onnx;
using Microsoft.ML.Attribution.Transforms;
using Microsoft.ML.Transforms.Image;
using PipelineSample;

string? assets = FindAssets();
string modelPath = args.Length > 0 ? args[0] : Path.Combine(assets ?? ".", "models", "shapes_vgg.onnx");
string vocFolder = args.Length > 1 ? args[1] : Path.Combine(assets ?? ".", "shapes-voc");
if (!File.Exists(modelPath) || !Directory.Exists(vocFolder))
{
    Console.Error.WriteLine($"Model '{modelPath}' or dataset '{vocFolder}' not found. Usage: PipelineSample [MODEL.onnx VOC_FOLDER [SIZE] [MEAN STD]]");
    return 2;
}
// Preprocessing: from the arguments, else the bundled shapes_models.json's mean/std and the model's own input size, else pixels / 255.
(int size, float[]? mean, float[]? std) = Preprocessing(args, assets, modelPath);

// 1. Data: one row per image, explained for its first class; boxes scaled to the model's input size (the images are stretched to it).
IReadOnlyList<string> classes = File.Exists(Path.Combine(vocFolder, "classes.txt"))
    ? File.ReadAllLines(Path.Combine(vocFolder, "classes.txt")).Where(l => l.Trim().Length > 0).ToList()
    : PascalVocReader.VocClassNames;
string split = new[] { "test", "val", "trainval", "train" }.First(s => File.Exists(Path.Combine(vocFolder, "ImageSets", "Main", s + ".txt")));
var rows = new List<ImageInput>();
foreach (AnnotatedImage image in PascalVocReader.Read(vocFolder, split, classes).Images.Take(12))
{
    string path = new[] { ".jpg", ".png" }.Select(e => Path.ChangeExtension(image.Path, e)).FirstOrDefault(File.Exists) ?? image.Path;
    string cls = image.ClassesPresent[0];
    float sx = (float)size / image.Width, sy = (float)size / image.Height;
    float[] boxes = image.ObjectsOf(cls).SelectMany(o => new[] { (float)o.Box.XMin * sx, (float)o.Box.YMin * sy, (float)o.Box.XMax * sx, (float)o.Box.YMax * sy }).ToArray();
    rows.Add(new ImageInput { ImagePath = path, Label = classes.ToList().IndexOf(cls), Boxes = boxes });
}

// 2. The pipeline: LoadImages → ResizeImages → ExtractPixels → NormalizePixels → ApplyOnnxModel → Dmbp → PointingGame.
var mlContext = new MLContext(seed: 1);
IDataView data = mlContext.Data.LoadFromEnumerable(rows);
(string inputName, string logitsName) = OnnxNames(modelPath);
var pipeline = mlContext.Transforms.LoadImages("Image", imageFolder: null, inputColumnName: nameof(ImageInput.ImagePath))
    .Append(mlContext.Transforms.ResizeImages("Resized", size, size, "Image", ImageResizingEstimator.ResizingKind.Fill))
    .Append(mlContext.Transforms.ExtractPixels("Pixels", "Resized", scaleImage: 1 / 255f))
    .Append(mlContext.Transforms.NormalizePixels(inputName, "Pixels", mean, std))
    .Append(mlContext.Transforms.ApplyOnnxModel(logitsName, inputName, modelPath))
    .Append(mlContext.Transforms.Dmbp("Map", inputName, modelPath, targetColumnName: nameof(ImageInput.Label), options: DmbpOptions(args)))
    .Append(mlContext.Transforms.PointingGame("Pointing", "Map", nameof(ImageInput.Boxes), tolerance: 15.0 * size / 224));

// 3. Fit (imports the model, checks every schema), transform (lazy), and read the rows back.
using var model = pipeline.Fit(data);
IDataView scored = model.Transform(data);
Console.WriteLine($"DMBP on {Path.GetFileName(modelPath)}; input {size}×{size}; {rows.Count} images of {Path.GetFileName(vocFolder.TrimEnd('/'))}");
Console.WriteLine($"{"image",-16} {"class",-10} {"logit",8} {"ORT logit",10} {"max point",12} {"pointing",9}");
int hits = 0, scoredRows = 0;
foreach (ExplainedImage row in mlContext.Data.CreateEnumerable<ExplainedImage>(scored, reuseRowObject: false))
{
    string error = new[] { row.ExplainError, row.PointingError }.FirstOrDefault(e => e.Length > 0) ?? "";
    string name = Path.GetFileNameWithoutExtension(row.ImagePath);
    if (error.Length > 0)
    {
        Console.WriteLine($"{name,-16} {classes[row.Label],-10} {error}");
        continue;
    }
    scoredRows++;
    hits += row.Hit ? 1 : 0;
    string point = string.Create(CultureInfo.InvariantCulture, $"({row.MaxPoint[0]:F0}, {row.MaxPoint[1]:F0})");
    float onnxLogit = row.OnnxLogits[row.ExplainedClass];
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{name,-16} {classes[row.ExplainedClass],-10} {row.Logit,8:F2} {onnxLogit,10:F2} {point,12} {(row.Hit ? "hit" : "miss"),9}"));
}
Console.WriteLine($"Pointing game: {hits} of {scoredRows} hits ({(scoredRows == 0 ? 0 : 100.0 * hits / scoredRows):F1} %).");
return 0;

// DMBP's settings: a quick run by default (the paper's 200 iterations take longer); "--iterations N" sets them.
static Dictionary<string, string> DmbpOptions(string[] args)
{
    int at = Array.IndexOf(args, "--iterations");
    return new() { ["iterations"] = at >= 0 && at + 1 < args.Length ? args[at + 1] : "40" };
}

// The ONNX graph's input and logits names, which ApplyOnnxModel maps to columns of the same names.
static (string Input, string Logits) OnnxNames(string modelPath)
{
    using Network network = OnnxImporter.Load(modelPath);
    return (network.Inputs[0].Name, network.OutputNames[0]);
}

static string? FindAssets()
{
    for (DirectoryInfo? dir = new(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
    {
        string candidate = Path.Combine(dir.FullName, "src", "Samples", "assets");
        if (Directory.Exists(candidate))
            return candidate;
    }
    return null;
}

static (int Size, float[]? Mean, float[]? Std) Preprocessing(string[] args, string? assets, string modelPath)
{
    float[] Floats(string text) => text.Split(',').Select(v => float.Parse(v, CultureInfo.InvariantCulture)).ToArray();
    if (args.Length > 2)
        return (int.Parse(args[2], CultureInfo.InvariantCulture), args.Length > 4 ? Floats(args[3]) : null, args.Length > 4 ? Floats(args[4]) : null);
    long[] input;
    using (Network network = OnnxImporter.Load(modelPath))
        input = network.Inputs[0].Shape;   // [C, H, W]; a size the model leaves open is ≤ 0
    int size = input[1] > 0 ? (int)input[1] : 224;
    string json = Path.Combine(assets ?? ".", "models", "shapes_models.json");
    if (!File.Exists(json))
        return (size, null, null);
    JsonNode root = JsonNode.Parse(File.ReadAllText(json))!;
    float[]? Read(string key) => root[key] is JsonArray a ? a.Select(x => (float)x!).ToArray() : null;
    return (size, Read("mean"), Read("std"));
}
