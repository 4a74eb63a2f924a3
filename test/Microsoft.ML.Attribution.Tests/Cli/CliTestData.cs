using System.Globalization;
using System.Text;
using Microsoft.ML.Attribution.Tests.Transforms;

namespace Microsoft.ML.Attribution.Tests.Cli;

/// <summary>
/// Inputs for running the CLI in-process on the committed small shapes model: drawn shape images, a PASCAL VOC layout of them (PNG images,
/// as the bundled shapes-voc sample has), and a model-set JSON like the bundled shapes_models.json.
/// </summary>
internal sealed class CliTestData
{
    private CliTestData(string root, IReadOnlyList<(string Path, int Class, float[] Box)> shapes)
    {
        Root = root;
        Shapes = shapes;
    }

    public string Root { get; }

    public IReadOnlyList<(string Path, int Class, float[] Box)> Shapes { get; }

    public string Images => Path.Combine(Root, "images");

    public string Voc => Path.Combine(Root, "voc");

    public string ModelSet => Path.Combine(Root, "models", "models.json");

    public static string Model => TransformFixtures.ModelPath;

    public static string StoredInputs => Path.Combine(AppContext.BaseDirectory, "fixtures", "peer-small", "inputs.npy");

    public string Out(string name) => Path.Combine(Root, name);

    public static CliTestData Create(string name, int images = 6)
    {
        string root = TransformFixtures.TempFolder("cli-" + name);
        var shapes = TransformFixtures.DrawShapes(Path.Combine(root, "images"), images, size: 80);
        WriteVoc(Path.Combine(root, "voc"), shapes);
        Directory.CreateDirectory(Path.Combine(root, "models"));
        File.WriteAllText(Path.Combine(root, "models", "models.json"), $$"""
            {
              "classes": ["circle", "square", "triangle", "cross"],
              "input_size": 64,
              "mean": [0, 0, 0],
              "std": [1, 1, 1],
              "models": [ { "name": "small", "file": "{{Model}}" } ]
            }
            """);
        return new CliTestData(root, shapes);
    }

    /// <summary>Runs `attribution ARGS` in-process and returns the exit code.</summary>
    public static int Run(params string[] args) => global::Attribution.Cli.CliApp.Run(args);

    private static void WriteVoc(string root, IReadOnlyList<(string Path, int Class, float[] Box)> shapes)
    {
        foreach (string folder in new[] { "JPEGImages", "Annotations", Path.Combine("ImageSets", "Main") })
            Directory.CreateDirectory(Path.Combine(root, folder));
        var ids = new List<string>();
        var difficult = new StringBuilder();
        for (int i = 0; i < shapes.Count; i++)
        {
            string id = $"test_{i:D5}";
            ids.Add(id);
            File.Copy(shapes[i].Path, Path.Combine(root, "JPEGImages", id + ".png"));
            float[] b = shapes[i].Box;
            string Voc(float v) => ((int)Math.Round(v) + 1).ToString(CultureInfo.InvariantCulture);   // VOC boxes are 1-based
            File.WriteAllText(Path.Combine(root, "Annotations", id + ".xml"), $"""
                <annotation>
                  <filename>{id}.png</filename>
                  <size><width>80</width><height>80</height><depth>3</depth></size>
                  <object>
                    <name>{TransformFixtures.Classes[shapes[i].Class]}</name>
                    <difficult>0</difficult>
                    <bndbox><xmin>{Voc(Math.Max(0, b[0]))}</xmin><ymin>{Voc(Math.Max(0, b[1]))}</ymin><xmax>{Voc(Math.Min(79, b[2]))}</xmax><ymax>{Voc(Math.Min(79, b[3]))}</ymax></bndbox>
                  </object>
                </annotation>
                """);
            difficult.AppendLine(id + "\t" + string.Join("\t", Enumerable.Range(0, 4).Select(c => c == shapes[i].Class && i % 2 == 0 ? "1" : "0")));
        }
        File.WriteAllLines(Path.Combine(root, "ImageSets", "Main", "test.txt"), ids);
        File.WriteAllLines(Path.Combine(root, "classes.txt"), TransformFixtures.Classes);
        File.WriteAllText(Path.Combine(root, "pointing_difficult.txt"), difficult.ToString());
    }
}
