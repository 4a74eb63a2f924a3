using Microsoft.ML.Attribution.Datasets;
using Microsoft.ML.Attribution.Metrics;
using TorchSharp;
using static TorchSharp.torch;
using Microsoft.ML.Attribution.Tensors;

namespace Microsoft.ML.Attribution.Tests.Metrics;

/// <summary>
/// The center baseline on the hand-made VOC-layout fixture (fixtures/datasets/voc, split "test"), against its analytic value.
/// Per pair (0-based boxes), with TorchRay's point (W/2, H/2) and the map's first maximum (⌊W/2⌋, ⌊H/2⌋):
/// <list type="bullet">
/// <item>000001, 100×80, dog [60..70]×[35..45]: point (50, 40), 10 px away → hit (both). Its cat is difficult-only → skipped.</item>
/// <item>000002, 101×81, cat [65..70]×[40..40]: TorchRay (50.5, 40.5): 14.5² + 0.5² = 210.5 &lt; 225 → hit;
///       map (50, 40): 15² = 225 → miss.</item>
/// <item>000003, 60×60, point (30, 30): cat [0..5]² → miss; dog [20..40]² → hit; person difficult-only → skipped.</item>
/// </list>
/// TorchRay point: dog 2/2, cat 1/2 → 0.75. Map: dog 2/2, cat 0/2 → 0.5.
/// Difficult subset (flags: 000001 dog only; 000002 none; 000003 unlisted → all its pairs): dog 2/2, cat 0/1 → 0.5.
/// </summary>
[TestClass]
public sealed class CenterBaselineTests : TorchTest
{
    private static AnnotatedDataset TestSplit() => PascalVocReader.Read(FixturePath("datasets", "voc"), "test");

    [TestMethod]
    public void Center_point_and_map_peak_where_expected()
    {
        Assert.AreEqual(new ImagePoint(50, 40), CenterBaseline.Point(100, 80));
        Assert.AreEqual(new ImagePoint(50.5, 40.5), CenterBaseline.Point(101, 81));
        Assert.AreEqual(new ImagePoint(50, 40), PointingGame.MaximumOf(CenterBaseline.CreateMap(101, 81)));
        Assert.AreEqual(new ImagePoint(2, 1), PointingGame.MaximumOf(CenterBaseline.CreateMap(4, 3)));
        using torch.Tensor t = CenterBaseline.CreateMapTensor(7, 5);
        CollectionAssert.AreEqual(new long[] { 5, 7 }, t.shape);
        Assert.AreEqual(new ImagePoint(3, 2), PointingGame.MaximumOf(t));
        Assert.AreEqual("center", CenterBaseline.MethodName);
    }

    [TestMethod]
    public void Center_point_baseline_on_the_VOC_fixture_equals_its_analytic_value()
    {
        AnnotatedDataset data = TestSplit();
        var game = new PointingGame(data.ClassNames, difficultPairs: DifficultPairs.Load(FixturePath("datasets", "voc", "pointing_difficult.txt"), data.ClassNames));
        var outcomes = new List<PointingResult>();
        foreach (AnnotatedImage image in data.Images)
            foreach (string className in image.ClassesPresent)
                outcomes.Add(game.Add(image, className, CenterBaseline.Point(image.Width, image.Height)));

        CollectionAssert.AreEqual(
            new[] { "000001 dog Hit Hit", "000001 cat Skipped Skipped", "000002 cat Hit Skipped", "000003 cat Miss Miss", "000003 dog Hit Hit", "000003 person Skipped Skipped" },
            outcomes.Select(r => $"{r.ImageName} {r.ClassName} {r.All} {r.Difficult}").ToArray());
        PointingGameSummary summary = game.Summarize();
        Assert.AreEqual(0.75, summary.All.MeanAccuracy, 1e-15);
        Assert.AreEqual(0.5, summary.Difficult!.MeanAccuracy, 1e-15);
    }

    [TestMethod]
    public void Center_map_baseline_runs_through_the_map_path_and_differs_only_by_the_half_pixel()
    {
        AnnotatedDataset data = TestSplit();
        var game = new PointingGame(data.ClassNames);
        foreach (AnnotatedImage image in data.Images)
            foreach (string className in image.ClassesPresent)
                game.Add(image, className, CenterBaseline.CreateMap(image.Width, image.Height));
        PointingGameScore all = game.Summarize().All;
        Assert.AreEqual(0.5, all.MeanAccuracy, 1e-15);
        Assert.AreEqual((0, 2), (all.Classes[data.ClassIndex("cat")].Hits, all.Classes[data.ClassIndex("cat")].Misses));
        Assert.AreEqual((2, 0), (all.Classes[data.ClassIndex("dog")].Hits, all.Classes[data.ClassIndex("dog")].Misses));
    }
}
