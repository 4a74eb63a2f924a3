using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.ML.Attribution.Datasets;
using Microsoft.ML.Attribution.Graph;
using Microsoft.ML.Attribution.Onnx;

namespace PipelineSample;

/// <summary>
/// What every sample starts from: a model, its preprocessing and a VOC-layout folder turned into rows (one per image and class present,
/// with that class's boxes scaled to the model's input, since the images are stretched to it). Defaults: the bundled shapes model and sample.
/// </summary>
public sealed record SampleData(string ModelPath, string InputName, string LogitsName, int Size, float[]? Mean, float[]? Std,
    IReadOnlyList<string> Classes, IReadOnlyList<ImageInput> Rows)
{
    /// <summary>Reads the data; <paramref name="args"/> may name MODEL.onnx VOC_FOLDER [SIZE [MEAN_R,G,B STD_R,G,B]].</summary>
    public static SampleData Load(string[] args, int maxImages, bool everyClass)
    {
        string? assets = FindAssets();
        string modelPath = args.Length > 0 ? args[0] : Path.Combine(assets ?? ".", "models", "shapes_vgg.onnx");
        string vocFolder = args.Length > 1 ? args[1] : Path.Combine(assets ?? ".", "shapes-voc");
        if (!File.Exists(modelPath) || !Directory.Exists(vocFolder))
            throw new FileNotFoundException($"Model '{modelPath}' or dataset '{vocFolder}' not found. Arguments: [MODEL.onnx VOC_FOLDER [SIZE [MEAN STD]]]");

        long[] input;
        string inputName, logitsName;
        using (Network network = OnnxImporter.Load(modelPath))
            (input, inputName, logitsName) = (network.Inputs[0].Shape, network.Inputs[0].Name, network.OutputNames[0]);   // [C, H, W]; open sizes ≤ 0
        (int size, float[]? mean, float[]? std) = Preprocessing(args, assets, input[1] > 0 ? (int)input[1] : 224);

        IReadOnlyList<string> classes = File.Exists(Path.Combine(vocFolder, "classes.txt"))
            ? File.ReadAllLines(Path.Combine(vocFolder, "classes.txt")).Where(l => l.Trim().Length > 0).ToList()
            : PascalVocReader.VocClassNames;
        string split = new[] { "test", "val", "trainval", "train" }.First(s => File.Exists(Path.Combine(vocFolder, "ImageSets", "Main", s + ".txt")));
        var rows = new List<ImageInput>();
        foreach (AnnotatedImage image in PascalVocReader.Read(vocFolder, split, classes).Images.Take(maxImages))
        {
            string path = new[] { ".jpg", ".png" }.Select(e => Path.ChangeExtension(image.Path, e)).FirstOrDefault(File.Exists) ?? image.Path;
            float sx = (float)size / image.Width, sy = (float)size / image.Height;
            foreach (string cls in everyClass ? image.ClassesPresent : image.ClassesPresent.Take(1))
            {
                float[] boxes = image.ObjectsOf(cls)
                    .SelectMany(o => new[] { (float)o.Box.XMin * sx, (float)o.Box.YMin * sy, (float)o.Box.XMax * sx, (float)o.Box.YMax * sy }).ToArray();
                rows.Add(new ImageInput { ImagePath = path, Label = classes.ToList().IndexOf(cls), Boxes = boxes });
            }
        }
        return new SampleData(modelPath, inputName, logitsName, size, mean, std, classes, rows);
    }

    private static string? FindAssets()
    {
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "src", "Samples", "assets");
            if (Directory.Exists(candidate))
                return candidate;
        }
        return null;
    }

    /// <summary>From the arguments, else the bundled shapes_models.json's mean/std, else pixels / 255.</summary>
    private static (int Size, float[]? Mean, float[]? Std) Preprocessing(string[] args, string? assets, int modelSize)
    {
        float[] Floats(string text) => text.Split(',').Select(v => float.Parse(v, CultureInfo.InvariantCulture)).ToArray();
        if (args.Length > 2)
            return (int.Parse(args[2], CultureInfo.InvariantCulture), args.Length > 4 ? Floats(args[3]) : null, args.Length > 4 ? Floats(args[4]) : null);
        string json = Path.Combine(assets ?? ".", "models", "shapes_models.json");
        if (!File.Exists(json))
            return (modelSize, null, null);
        JsonNode root = JsonNode.Parse(File.ReadAllText(json))!;
        float[]? Read(string key) => root[key] is JsonArray a ? a.Select(x => (float)x!).ToArray() : null;
        return (modelSize, Read("mean"), Read("std"));
    }
}
