using Microsoft.ML.Attribution.Datasets;
using Microsoft.ML.Attribution.Metrics;
using TorchSharp;
using Microsoft.ML.Attribution.Tensors;
using static TorchSharp.torch;

namespace Microsoft.ML.Attribution.Tests.Metrics;

/// <summary>The pointing game on hand-made maps and boxes, against values worked out by hand (methods.md §6.1).</summary>
[TestClass]
public sealed class PointingGameTests : TorchTest
{
    private static readonly string[] Classes = ["a", "b", "c"];

    /// <summary>A W × H map that is 0 except for 1 at (column, row).</summary>
    private static float[,] Peak(int width, int height, int column, int row)
    {
        var map = new float[height, width];
        map[row, column] = 1;
        return map;
    }

    private static AnnotatedImage Image(string name, int width, int height, params GroundTruthObject[] objects) =>
        new($"/images/{name}.jpg", width, height, objects);

    /// <summary>A box from 0-based inclusive pixel corners.</summary>
    private static GroundTruthObject Box(string className, int x1, int y1, int x2, int y2, bool difficult = false) =>
        new(className, new BoundingBox(x1, y1, x2, y2), difficult);

    [TestMethod]
    public void The_point_is_the_first_maximum_in_row_major_order()
    {
        var map = new float[4, 5];
        map[1, 3] = 2;
        map[2, 0] = 2; // tie, later in row-major order
        map[3, 4] = 1;
        Assert.AreEqual(new ImagePoint(3, 1), PointingGame.MaximumOf(map));

        using Tensor t = tensor(new float[] { 0, 5, 5, 1, 5, 0 }, [2, 3]);
        Assert.AreEqual(new ImagePoint(1, 0), PointingGame.MaximumOf(t));
    }

    [TestMethod]
    public void A_map_with_NaN_is_rejected()
    {
        var map = new float[3, 3];
        map[1, 1] = float.NaN;
        Assert.ThrowsExactly<ArgumentException>(() => PointingGame.MaximumOf(map));
    }

    [TestMethod]
    public void Maximum_inside_the_box_is_a_hit()
    {
        var game = new PointingGame(Classes);
        AnnotatedImage image = Image("x", 40, 30, Box("a", 8, 3, 12, 7));
        PointingResult result = game.Add(image, "a", Peak(40, 30, 10, 5));
        Assert.AreEqual(new ImagePoint(10, 5), result.Point);
        Assert.AreEqual(PointingOutcome.Hit, result.All);
        Assert.AreEqual(PointingOutcome.Skipped, result.Difficult, "no difficult subset configured");
        Assert.IsNull(game.Summarize().Difficult);
    }

    [TestMethod]
    public void Maximum_far_from_the_box_is_a_miss()
    {
        var game = new PointingGame(Classes);
        // Nearest box pixel (30, 20) is at (20, 15) from the point: distance 25.
        PointingResult result = game.Add(Image("x", 40, 30, Box("a", 30, 20, 35, 25)), "a", Peak(40, 30, 10, 5));
        Assert.AreEqual(PointingOutcome.Miss, result.All);
    }

    [TestMethod]
    public void A_box_pixel_at_exactly_the_tolerance_is_a_miss_because_the_disc_is_open()
    {
        // (9, 12) from the point (0, 0): 9² + 12² = 225 = 15².
        Assert.IsFalse(PointingGame.Hits(new ImagePoint(0, 0), [new BoundingBox(9, 12, 20, 20)], 40, 40));
        // (9, 11): 81 + 121 = 202 < 225.
        Assert.IsTrue(PointingGame.Hits(new ImagePoint(0, 0), [new BoundingBox(9, 11, 20, 20)], 40, 40));
        // Along one axis: 15 px misses, 14.9 px hits.
        Assert.IsFalse(PointingGame.Hits(new ImagePoint(0, 0), [new BoundingBox(15, 0, 15, 0)], 40, 40));
        Assert.IsTrue(PointingGame.Hits(new ImagePoint(0.1, 0), [new BoundingBox(15, 0, 15, 0)], 40, 40));
        // The same through the accumulator with a map.
        var game = new PointingGame(Classes);
        Assert.AreEqual(PointingOutcome.Miss, game.Add(Image("x", 40, 40, Box("a", 9, 12, 20, 20)), "a", Peak(40, 40, 0, 0)).All);
        Assert.AreEqual(PointingOutcome.Hit, game.Add(Image("y", 40, 40, Box("a", 9, 11, 20, 20)), "a", Peak(40, 40, 0, 0)).All);
    }

    [TestMethod]
    public void The_tolerance_is_configurable()
    {
        var strict = new PointingGame(Classes, tolerance: 5);
        AnnotatedImage image = Image("x", 40, 40, Box("a", 13, 10, 20, 20)); // 3 px from (10, 10)
        Assert.AreEqual(PointingOutcome.Hit, strict.Add(image, "a", Peak(40, 40, 10, 10)).All);
        Assert.AreEqual(PointingOutcome.Miss, new PointingGame(Classes, tolerance: 3).Evaluate(image, "a", new ImagePoint(10, 10)));
    }

    [TestMethod]
    public void Any_box_of_the_class_counts_but_boxes_of_other_classes_do_not()
    {
        var game = new PointingGame(Classes);
        AnnotatedImage image = Image("x", 100, 100,
            Box("a", 80, 80, 90, 90),   // far
            Box("a", 20, 20, 25, 25),   // 10 px from (10, 20)… nearest pixel (20, 20)
            Box("b", 10, 20, 12, 22));  // contains the point, other class
        Assert.AreEqual(PointingOutcome.Hit, game.Add(image, "a", new ImagePoint(10, 20)).All);
        AnnotatedImage onlyOther = Image("y", 100, 100, Box("a", 80, 80, 90, 90), Box("b", 10, 20, 12, 22));
        Assert.AreEqual(PointingOutcome.Miss, game.Add(onlyOther, "a", new ImagePoint(10, 20)).All);
    }

    [TestMethod]
    public void Boxes_are_clipped_to_the_image()
    {
        // A box entirely right of a 20-px-wide image has no pixels, though its corner is 6 px from the point.
        Assert.IsFalse(PointingGame.Hits(new ImagePoint(19, 0), [new BoundingBox(25, 0, 30, 5)], 20, 20));
        Assert.IsTrue(PointingGame.Hits(new ImagePoint(19, 0), [new BoundingBox(25, 0, 30, 5)], 0, 0), "unknown size: not clipped");
    }

    [TestMethod]
    public void A_class_whose_boxes_are_all_difficult_is_skipped_but_difficult_boxes_still_count_for_hits()
    {
        var game = new PointingGame(Classes);
        AnnotatedImage image = Image("x", 50, 50,
            Box("a", 0, 0, 5, 5, difficult: true),
            Box("b", 0, 0, 5, 5, difficult: true),
            Box("b", 40, 40, 45, 45));
        Assert.AreEqual(PointingOutcome.Skipped, game.Add(image, "a", new ImagePoint(2, 2)).All);
        Assert.AreEqual(PointingOutcome.Hit, game.Add(image, "b", new ImagePoint(2, 2)).All, "TorchRay's mask includes difficult boxes");
        PointingGameScore all = game.Summarize().All;
        Assert.AreEqual(0, all.Classes[0].Evaluated);
        Assert.IsNull(all.Classes[0].Accuracy);
        Assert.AreEqual(1, all.Classes[1].Hits);
        Assert.AreEqual(1.0, all.MeanAccuracy, "the never-evaluated class does not enter the mean");
    }

    [TestMethod]
    public void The_score_is_the_mean_of_per_class_accuracies_not_the_pooled_accuracy()
    {
        var game = new PointingGame(Classes);
        AnnotatedImage image = Image("x", 100, 100, Box("a", 0, 0, 9, 9), Box("b", 0, 0, 9, 9));
        var near = new ImagePoint(5, 5);
        var far = new ImagePoint(90, 90);
        game.Add(image, "a", near);         // a: 1 of 1
        game.Add(image, "b", near);         // b: 1 of 3
        game.Add(image, "b", far);
        game.Add(image, "b", far);
        PointingGameScore score = game.Summarize().All;
        CollectionAssert.AreEqual(new[] { "a", "b", "c" }, score.Classes.Select(c => c.ClassName).ToArray());
        Assert.AreEqual(1.0, score.Classes[0].Accuracy);
        Assert.AreEqual(1.0 / 3, score.Classes[1].Accuracy!.Value, 1e-15);
        Assert.AreEqual((1 + 1.0 / 3) / 2, score.MeanAccuracy, 1e-15);
        Assert.AreEqual(2.0 / 4, score.PooledAccuracy, 1e-15);
        Assert.AreEqual(2, score.Hits);
        Assert.AreEqual(2, score.Misses);
    }

    [TestMethod]
    public void The_difficult_subset_takes_flagged_pairs_and_pairs_of_unlisted_images()
    {
        var flags = new Dictionary<string, IReadOnlyList<bool>>
        {
            ["one"] = [true, false, false],
            ["two"] = [false, false, false],
        };
        var game = new PointingGame(Classes, difficultPairs: new DifficultPairs(Classes, flags));
        AnnotatedImage one = Image("one", 60, 60, Box("a", 0, 0, 5, 5), Box("b", 0, 0, 5, 5));
        AnnotatedImage two = Image("two", 60, 60, Box("a", 0, 0, 5, 5));
        AnnotatedImage three = Image("three", 60, 60, Box("a", 50, 50, 55, 55), Box("b", 0, 0, 5, 5));
        var origin = new ImagePoint(0, 0);
        PointingResult r1a = game.Add(one, "a", origin);
        PointingResult r1b = game.Add(one, "b", origin);
        PointingResult r2a = game.Add(two, "a", origin);
        PointingResult r3a = game.Add(three, "a", origin);
        PointingResult r3b = game.Add(three, "b", origin);
        Assert.AreEqual((PointingOutcome.Hit, PointingOutcome.Hit), (r1a.All, r1a.Difficult));
        Assert.AreEqual((PointingOutcome.Hit, PointingOutcome.Skipped), (r1b.All, r1b.Difficult));
        Assert.AreEqual((PointingOutcome.Hit, PointingOutcome.Skipped), (r2a.All, r2a.Difficult));
        Assert.AreEqual((PointingOutcome.Miss, PointingOutcome.Miss), (r3a.All, r3a.Difficult), "unlisted image: in the subset");
        Assert.AreEqual((PointingOutcome.Hit, PointingOutcome.Hit), (r3b.All, r3b.Difficult));

        PointingGameSummary summary = game.Summarize();
        Assert.AreEqual(2.0 / 3, summary.All.Classes[0].Accuracy!.Value, 1e-15); // a: hit, hit, miss
        Assert.AreEqual(1.0, summary.All.Classes[1].Accuracy);                   // b: hit, hit
        Assert.AreEqual((2.0 / 3 + 1) / 2, summary.All.MeanAccuracy, 1e-15);
        PointingGameScore difficult = summary.Difficult!;
        Assert.AreEqual((1, 1), (difficult.Classes[0].Hits, difficult.Classes[0].Misses)); // a: one (hit), three (miss)
        Assert.AreEqual((1, 0), (difficult.Classes[1].Hits, difficult.Classes[1].Misses)); // b: three (hit)
        Assert.AreEqual((0.5 + 1) / 2, difficult.MeanAccuracy, 1e-15);
    }

    [TestMethod]
    public void Segmentation_masks_are_ground_truth_too()
    {
        var mask = new bool[30, 30];
        mask[20, 20] = true;
        Assert.IsTrue(PointingGame.Hits(new ImagePoint(10, 10), mask));          // 10² + 10² = 200
        Assert.IsFalse(PointingGame.Hits(new ImagePoint(11, 8), mask));          // 81 + 144 = 225
        var game = new PointingGame(Classes);
        Assert.AreEqual(PointingOutcome.Hit, game.Add("img", "c", mask, new ImagePoint(20, 34)).All);  // 14 px
        Assert.AreEqual(PointingOutcome.Miss, game.Add("img", "c", mask, new ImagePoint(5, 5)).All);
        Assert.AreEqual(0.5, game.Summarize().All.MeanAccuracy);
    }

    [TestMethod]
    public void Tensor_maps_point_the_same_way()
    {
        var game = new PointingGame(Classes);
        using Tensor map = zeros(30, 40);
        using (DisposeScope _ = NewDisposeScope())
            map.narrow(0, 5, 1).narrow(1, 10, 1).fill_(3);
        PointingResult result = game.Add(Image("x", 40, 30, Box("a", 8, 3, 12, 7)), "a", map);
        Assert.AreEqual(new ImagePoint(10, 5), result.Point);
        Assert.AreEqual(PointingOutcome.Hit, result.All);
    }

    [TestMethod]
    public void Misuse_is_reported_clearly()
    {
        var game = new PointingGame(Classes);
        AnnotatedImage image = Image("x", 40, 30, Box("a", 8, 3, 12, 7));
        var wrongSize = Assert.ThrowsExactly<ArgumentException>(() => game.Add(image, "a", new float[20, 20]));
        StringAssert.Contains(wrongSize.Message, "resize the map");
        var absent = Assert.ThrowsExactly<ArgumentException>(() => game.Add(image, "b", new ImagePoint(0, 0)));
        StringAssert.Contains(absent.Message, "no 'b' object");
        Assert.ThrowsExactly<ArgumentException>(() => game.Add(image, "zebra", new ImagePoint(0, 0)));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new PointingGame(Classes, tolerance: 0));
        using Tensor batch = zeros(1, 30, 40);
        var shape = Assert.ThrowsExactly<ArgumentException>(() => game.Add(image, "a", batch));
        StringAssert.Contains(shape.Message, "[1, 30, 40]");
    }

    [TestMethod]
    public void Reset_clears_the_counts()
    {
        var game = new PointingGame(Classes);
        game.Record("a", PointingOutcome.Hit);
        game.Record("a", PointingOutcome.Skipped);
        Assert.AreEqual(1, game.Summarize().All.Hits);
        game.Reset();
        Assert.AreEqual(0, game.Summarize().All.Hits);
        Assert.IsTrue(double.IsNaN(game.Summarize().All.MeanAccuracy));
    }

    [TestMethod]
    public void Energy_pointing_game_is_the_positive_energy_inside_the_boxes()
    {
        var map = new float[4, 4]
        {
            { 1, 1, 0, -5 },
            { 1, 1, 0, 0 },
            { 0, 0, 2, 0 },
            { 0, 0, 0, 4 },
        };
        // Positive energy 10; inside the union of [0..1]² and [1..2]² (overlap counted once): 1+1+1+1+2 = 6.
        BoundingBox[] boxes = [new(0, 0, 1, 1), new(1, 1, 2, 2)];
        Assert.AreEqual(0.6, EnergyPointingGame.Score(map, boxes), 1e-15);
        var mask = new bool[4, 4];
        mask[3, 3] = true;
        Assert.AreEqual(0.4, EnergyPointingGame.Score(map, mask), 1e-15);
        Assert.AreEqual(0.0, EnergyPointingGame.Score(new float[4, 4], boxes), "no positive energy scores 0");
        AnnotatedImage image = Image("x", 4, 4, Box("a", 3, 3, 3, 3), Box("b", 0, 0, 3, 3));
        Assert.AreEqual(0.4, EnergyPointingGame.Score(image, "a", map), 1e-15);
        using Tensor t = tensor(map.Cast<float>().ToArray(), [4, 4]);
        Assert.AreEqual(0.6, EnergyPointingGame.Score(t, boxes), 1e-15);
    }
}
