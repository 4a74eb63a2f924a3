using Microsoft.ML.Data;
using PipelineSample;

namespace Microsoft.ML.Attribution.Tests.Samples;

/// <summary>The ML.NET samples run as a user runs them (smaller settings), on the bundled model and images.</summary>
[TestClass]
public sealed class SampleTests : TorchTest
{
    [TestMethod]
    public void TheModelBuilderSamplePrintsItsTable()
    {
        var output = new StringWriter();
        Assert.AreEqual(0, ModelBuilderSample.Run(SampleData.Load([], maxImages: 4, everyClass: false), iterations: 5, output));
        string text = output.ToString();
        StringAssert.Contains(text, "ORT logit");
        StringAssert.Contains(text, "Pointing game: ");
        Assert.HasCount(4, text.Split('\n').Where(l => l.StartsWith("test_", StringComparison.Ordinal)));
    }

    [TestMethod]
    public void TheTrainingSampleTrainsOnAttributionFeatures()
    {
        var output = new StringWriter();
        Assert.AreEqual(0, TrainingSample.Run(SampleData.Load([], maxImages: 40, everyClass: true), output));
        StringAssert.Contains(output.ToString(), "240 rows (image × class)");
        StringAssert.Contains(output.ToString(), "Held-out rows: accuracy ");
    }

    [TestMethod]
    public void BatchScoringWritesMapsAndScoresAndKeepsGoingPastABadImage()
    {
        SampleData sample = SampleData.Load([], maxImages: 0, everyClass: false);
        string folder = Path.Combine(Path.GetTempPath(), "mla-samples", Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(folder);
        string images = Path.Combine(Path.GetDirectoryName(Path.GetDirectoryName(sample.ModelPath))!, "shapes-voc", "JPEGImages");
        string csv = Path.Combine(folder, "images.csv");
        File.WriteAllLines(csv, ["path,class", Path.Combine(images, "test_00000.png") + ",1", "missing.png,2", Path.Combine(images, "test_00001.png") + ",3"]);
        var output = new StringWriter();

        Assert.AreEqual(0, BatchScoringSample.Run(sample, csv, "gradient-x-input", Path.Combine(folder, "out"), output));

        StringAssert.Contains(output.ToString(), "3 images");
        StringAssert.Contains(output.ToString(), "1 could not be explained");
        var mlContext = new MLContext();
        IDataView maps = mlContext.Data.LoadFromBinary(Path.Combine(folder, "out", "maps.idv"));
        Assert.AreEqual(3L, maps.GetRowCount());
        Assert.AreEqual("Vector<Single, 128, 128>", maps.Schema["Map"].Type.ToString());
        CollectionAssert.AreEqual(new[] { 1, -1, 3 }, maps.GetColumn<int>("MapTarget").ToArray());
        string[] scores = File.ReadAllLines(Path.Combine(folder, "out", "scores.tsv"));
        Assert.HasCount(4, scores);
        StringAssert.Contains(scores[2], "Missing file: ");
    }
}
