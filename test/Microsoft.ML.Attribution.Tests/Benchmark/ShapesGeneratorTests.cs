using Microsoft.ML.Attribution.Datasets;
using Microsoft.ML.Attribution.Imaging;
using Microsoft.ML.Attribution.Metrics;
using TorchSharp;
using Microsoft.ML.Attribution.Tensors;
using static TorchSharp.torch;

namespace Microsoft.ML.Attribution.Tests.Benchmark;

/// <summary>
/// tools/make_shapes_benchmark.py is deterministic for a seed, the committed sample (src/Samples/assets/shapes-voc) is
/// exactly what its documented command writes, and our readers accept it.
/// </summary>
[TestClass]
public sealed class ShapesGeneratorTests : TorchTest
{
    private static readonly string[] SmallSet = ["--train", "6", "--val", "3", "--test", "5"];

    [TestMethod]
    public void The_generator_writes_identical_files_for_a_seed_and_different_images_for_another_seed()
    {
        using var temp = new TempFolder("mla-shapes-");
        ShapesBenchmark.Generate(temp.Sub("a"), ["--seed", "11", .. SmallSet]);
        ShapesBenchmark.Generate(temp.Sub("b"), ["--seed", "11", .. SmallSet]);
        ShapesBenchmark.Generate(temp.Sub("c"), ["--seed", "12", .. SmallSet]);

        string[] files = ShapesBenchmark.RelativeFiles(temp.Sub("a"));
        Assert.HasCount(2 * (6 + 3 + 5) + 3 + 3, files, "images, annotations, 3 split files, classes, difficult pairs, generator.json");
        ShapesBenchmark.AssertSameFiles(temp.Sub("a"), temp.Sub("b"), "seed 11 twice");

        CollectionAssert.AreEqual(files, ShapesBenchmark.RelativeFiles(temp.Sub("c")), "another seed writes the same file names");
        string[] images = files.Where(f => f.StartsWith("JPEGImages/", StringComparison.Ordinal)).ToArray();
        int same = images.Count(f => File.ReadAllBytes(Path.Combine(temp.Sub("a"), f)).AsSpan()
            .SequenceEqual(File.ReadAllBytes(Path.Combine(temp.Sub("c"), f))));
        Assert.AreEqual(0, same, "seed 12 must not repeat any image of seed 11");
    }

    [TestMethod]
    public void The_first_test_images_do_not_depend_on_the_other_splits()
    {
        using var temp = new TempFolder("mla-shapes-");
        ShapesBenchmark.Generate(temp.Sub("full"), ["--seed", "5", .. SmallSet]);
        ShapesBenchmark.Generate(temp.Sub("test"), ["--seed", "5", "--test-only", "3"]);
        foreach (string id in new[] { "test_00000", "test_00001", "test_00002" })
        {
            foreach (string file in new[] { $"JPEGImages/{id}.png", $"Annotations/{id}.xml" })
                CollectionAssert.AreEqual(File.ReadAllBytes(Path.Combine(temp.Sub("full"), file)), File.ReadAllBytes(Path.Combine(temp.Sub("test"), file)), file);
        }
    }

    [TestMethod]
    public void The_committed_sample_is_what_its_documented_command_writes()
    {
        using var temp = new TempFolder("mla-shapes-");
        ShapesBenchmark.Generate(temp.Path, ShapesBenchmark.SampleArguments);
        ShapesBenchmark.AssertSameFiles(ShapesBenchmark.SampleFolder, temp.Path, "src/Samples/assets/shapes-voc vs. a regeneration");
    }

    [TestMethod]
    public void The_committed_sample_reads_as_VOC_with_boxes_inside_the_images()
    {
        string root = ShapesBenchmark.SampleFolder;
        IReadOnlyList<string> classes = ShapesBenchmark.ReadClasses(root);
        CollectionAssert.AreEqual(new[] { "circle", "square", "triangle", "cross", "ring", "star" }, classes.ToArray());
        AnnotatedDataset data = PascalVocReader.Read(root, "test", classes);
        Assert.HasCount(40, data.Images);

        int objects = 0;
        foreach (AnnotatedImage image in data.Images)
        {
            Assert.AreEqual((128, 128), (image.Width, image.Height), image.Name);
            Assert.IsTrue(File.Exists(image.Path), $"{image.Path} exists");
            Assert.IsInRange(1, 3, image.Objects.Count, image.Name);
            using (DisposeScope scope = NewDisposeScope())
            {
                Tensor pixels = ImageIO.Load(image.Path);
                CollectionAssert.AreEqual(new long[] { 128, 128, 3 }, pixels.shape, image.Path);
            }
            foreach (GroundTruthObject o in image.Objects)
            {
                objects++;
                BoundingBox b = o.Box;
                Assert.IsTrue(b.XMin >= 0 && b.YMin >= 0 && b.XMax <= 127 && b.YMax <= 127, $"{image.Name} {o.ClassName} {b} lies inside the image");
                Assert.IsTrue(b.XMax - b.XMin >= 3 && b.YMax - b.YMin >= 3, $"{image.Name} {o.ClassName} {b} is not empty");
                Assert.AreEqual((b.XMin, b.YMin), (Math.Floor(b.XMin), Math.Floor(b.YMin)), "whole pixels");
            }
        }
        Assert.IsGreaterThan(50, objects);
        Assert.IsTrue(data.Images.SelectMany(i => i.Objects).Any(o => o.Difficult), "some objects are flagged difficult");

        DifficultPairs pairs = DifficultPairs.Load(Path.Combine(root, "pointing_difficult.txt"), classes);
        Assert.AreEqual(40, pairs.ImageCount);
        int difficult = 0;
        foreach (AnnotatedImage image in data.Images)
        {
            foreach (string c in classes)
            {
                bool flagged = pairs.Includes(image.Name, c);
                bool expected = image.ClassesPresent.Contains(c) && image.ClassesPresent.Count > 1 &&
                    UnionArea(image.ObjectsOf(c).Select(o => o.Box)) < 128 * 128 / 4;
                Assert.AreEqual(expected, flagged, $"{image.Name} {c}: difficult = boxes cover < 1/4 of the image and another class is present");
                if (flagged) difficult++;
            }
        }
        Assert.IsGreaterThan(0, difficult, "the difficult subset is not empty");
    }

    private static int UnionArea(IEnumerable<BoundingBox> boxes)
    {
        var covered = new bool[128, 128];
        foreach (BoundingBox b in boxes)
            for (int y = (int)b.YMin; y <= (int)b.YMax; y++)
                for (int x = (int)b.XMin; x <= (int)b.XMax; x++)
                    covered[y, x] = true;
        return covered.Cast<bool>().Count(c => c);
    }
}
