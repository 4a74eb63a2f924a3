using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Attribution.Cli.Report;
using Attribution.Cli.Scoring;
using Microsoft.ML.Attribution.Datasets;

namespace Microsoft.ML.Attribution.Tests.Scoring;

/// <summary>
/// What `score` reads besides folders and VOC sets (issue 19): a CSV of paths with a per-image target column and optional boxes,
/// and deletion/insertion computed per row and summarized by `merge`. The figures are checked against `evaluate` on the same pairs.
/// </summary>
[TestClass]
public sealed class ScoreInputTests
{
    private static string Assets => SampleAssets.Locate() ?? throw new AssertFailedException("the bundled sample assets were not found");
    private static string Model => Path.Combine(Assets, "models", "shapes_vgg.onnx");
    private static string Voc => Path.Combine(Assets, "shapes-voc");
    private static readonly string[] Normalization = ["--mean", "0.444,0.447,0.445", "--std", "0.187,0.187,0.187"];

    [TestMethod]
    public void A_CSV_with_per_image_targets_and_boxes_scores_those_classes_as_evaluate_does_with_deletion_and_insertion()
    {
        string work = Transforms.TransformFixtures.TempFolder("scoring-csv-targets");
        IReadOnlyList<string> classes = File.ReadAllLines(Path.Combine(Voc, "classes.txt"));
        List<AnnotatedImage> images = PascalVocReader.Read(Voc, "test", classes).Images.Take(5).ToList();
        // Each image explains its second class when it has two (not what top-1 would pick every time), with only that class's
        // boxes, so `evaluate` sees exactly one (image, class) pair per image: the same pairs. Targets alternate name and index.
        var csv = new StringBuilder("path,class,x1,y1,x2,y2,width,height,target\n");
        var expected = new Dictionary<string, int>();
        foreach ((AnnotatedImage image, int i) in images.Select((image, i) => (image, i)))
        {
            string className = image.ClassesPresent[^1];
            int index = classes.ToList().IndexOf(className);
            string file = Path.GetFileName(image.Path);
            File.Copy(image.Path, Path.Combine(work, file));
            expected[file] = index;
            foreach (GroundTruthObject o in image.ObjectsOf(className))
                csv.AppendLine(string.Create(CultureInfo.InvariantCulture,
                    $"{file},{className},{o.Box.XMin},{o.Box.YMin},{o.Box.XMax},{o.Box.YMax},{image.Width},{image.Height},{(i % 2 == 0 ? className : index)}"));
        }
        string dataset = Path.Combine(work, "boxes.csv");
        File.WriteAllText(dataset, csv.ToString());
        File.Copy(Path.Combine(Voc, "classes.txt"), Path.Combine(work, "classes.txt"));

        string output = Path.Combine(work, "out");
        var score = ScoreShardTests.Cli(["score", "--model", Model, "--dataset", dataset, "--method", "gradient", "--metric", "deletion", "insertion",
            .. Normalization, "--out", output]);
        Assert.AreEqual(0, score.ExitCode, score.Output + score.Error);
        List<ScoreRow> rows = ShardStore.AllParts(output).SelectMany(ShardStore.Read).ToList();
        Assert.HasCount(5, rows);
        foreach (ScoreRow row in rows)
        {
            Assert.AreEqual("", row.Error);
            Assert.AreEqual(expected[row.ImageId], row.Target, $"{row.ImageId}: the CSV's target");
            Assert.IsNotNull(row.PointingHit, $"{row.ImageId}: the target's boxes are in the CSV");
            Assert.IsTrue(row.DeletionAuc is > 0 and < 1 && row.InsertionAuc is > 0 and < 1, $"{row.ImageId}: AUCs {row.DeletionAuc}, {row.InsertionAuc}");
        }

        string json = Path.Combine(work, "evaluate.json");
        var evaluate = ScoreShardTests.Cli(["evaluate", "--model", Model, "--dataset", dataset, "--method", "gradient",
            "--metric", "pointing", "deletion", "insertion", .. Normalization, "--json", json]);
        Assert.AreEqual(0, evaluate.ExitCode, evaluate.Output + evaluate.Error);
        JsonObject metrics = JsonNode.Parse(File.ReadAllText(json))!["results"]![0]!["metrics"]!.AsObject();
        Assert.AreEqual((int)metrics["pointing"]!["all"]!["hits"]!, rows.Count(r => r.PointingHit == true), "pointing hits");
        Assert.AreEqual((double)metrics["deletion"]!["meanAuc"]!, rows.Average(r => r.DeletionAuc!.Value), 1e-5, "deletion AUC");
        Assert.AreEqual((double)metrics["insertion"]!["meanAuc"]!, rows.Average(r => r.InsertionAuc!.Value), 1e-5, "insertion AUC");

        Assert.AreEqual(0, ScoreShardTests.Cli(["merge", output]).ExitCode);
        JsonObject method = JsonNode.Parse(File.ReadAllText(Path.Combine(output, "summary.json")))!["methods"]![0]!.AsObject();
        Assert.AreEqual(rows.Average(r => r.DeletionAuc!.Value), (double)method["deletion"]!["meanAuc"]!, 1e-6);
        Assert.AreEqual(5, (int)method["insertion"]!["rows"]!);
        StringAssert.Contains(File.ReadAllText(Path.Combine(output, "summary.md")), "deletion AUC");
        Directory.Delete(work, recursive: true);
    }

    [TestMethod]
    public void A_CSV_of_paths_alone_explains_each_row_at_its_target_or_the_runs_and_names_bad_targets()
    {
        string work = Transforms.TransformFixtures.TempFolder("scoring-csv-paths");
        string[] files = Directory.GetFiles(Path.Combine(Voc, "JPEGImages")).Order(StringComparer.Ordinal).Take(3).ToArray();
        File.Copy(Path.Combine(Voc, "classes.txt"), Path.Combine(work, "classes.txt"));
        // Absolute paths (images elsewhere): the id is the full path. The third row has no target: the run's --target applies.
        string dataset = Write("list.csv", $"path,target\n{files[0]},star\n\"{files[1]}\",2\n{files[2]},\n");
        string output = Path.Combine(work, "out");
        var score = ScoreShardTests.Cli(["score", "--model", Model, "--dataset", dataset, "--method", "gradient", "--target", "4", .. Normalization, "--out", output]);
        Assert.AreEqual(0, score.ExitCode, score.Output + score.Error);
        Dictionary<string, ScoreRow> rows = ShardStore.AllParts(output).SelectMany(ShardStore.Read).ToDictionary(r => r.ImageId);
        CollectionAssert.AreEquivalent(files, rows.Keys.ToArray(), "ids are the full paths");
        Assert.AreEqual(5, rows[files[0]].Target, "star is class 5 in classes.txt");
        Assert.AreEqual(2, rows[files[1]].Target);
        Assert.AreEqual(4, rows[files[2]].Target, "--target for a row without one");
        Assert.IsTrue(rows.Values.All(r => r.PointingHit is null && r.DeletionAuc is null && r.Map!.Length == r.MapHeight * r.MapWidth), "no boxes, no curves asked");

        // A target whose class has no box in the image (here, or a wrong top-1) gets no pointing hit rather than failing the row.
        string other = Write("other.csv", $"path,class,x1,y1,x2,y2,target\n{files[0]},circle,0,0,10,10,star\n");
        var skipped = ScoreShardTests.Cli(["score", "--model", Model, "--dataset", other, "--method", "gradient", .. Normalization, "--out", Path.Combine(work, "other")]);
        Assert.AreEqual(0, skipped.ExitCode, skipped.Output + skipped.Error);
        ScoreRow star = ShardStore.AllParts(Path.Combine(work, "other")).SelectMany(ShardStore.Read).Single();
        Assert.IsTrue(star is { Error: "", Target: 5, PointingHit: null, MaxPointX: not null }, $"{star.Error} {star.Target} {star.PointingHit} {star.MaxPointX}");

        // Bad targets stop the run before anything is scored, naming the image and the value.
        foreach ((string content, string message) in new[]
        {
            ($"path,target\n{files[0]},zebra\n", "target 'zebra' is neither a class index nor one of the class names"),
            ($"path,target\n{files[0]},6\n", "target 6 is outside the model's classes 0–5"),
            ($"path,target\n{files[0]},-1\n", "target -1 is outside"),
            ($"path,target\n{files[0]},1\n{files[0]},2\n", "has the target '2' here but '1' on an earlier line"),
        })
        {
            string bad = Write("bad.csv", content);
            string badOutput = Path.Combine(work, "bad-out");
            var run = ScoreShardTests.Cli(["score", "--model", Model, "--dataset", bad, "--method", "gradient", .. Normalization, "--out", badOutput]);
            Assert.AreEqual(2, run.ExitCode, run.Output + run.Error);
            StringAssert.Contains(OneLine(run.Output + run.Error), message);
            Assert.IsEmpty(Directory.Exists(badOutput) ? Directory.GetFiles(badOutput, "*.parquet") : [], "nothing scored");
        }
        var metric = ScoreShardTests.Cli(["score", "--model", Model, "--dataset", dataset, "--metric", "energy-pointing", "--out", Path.Combine(work, "m")]);
        Assert.AreEqual(2, metric.ExitCode);
        StringAssert.Contains(OneLine(metric.Output + metric.Error), "--metric 'energy-pointing'");
        Directory.Delete(work, recursive: true);

        // Spectre wraps long lines at the console's width.
        static string OneLine(string text) => System.Text.RegularExpressions.Regex.Replace(text, @"\s+", " ");

        string Write(string name, string text)
        {
            string path = Path.Combine(work, name);
            File.WriteAllText(path, text);
            return path;
        }
    }
}
