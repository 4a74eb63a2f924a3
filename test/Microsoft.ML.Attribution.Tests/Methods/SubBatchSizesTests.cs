using Microsoft.ML.Attribution.Graph;
using Microsoft.ML.Attribution.Methods;
using Microsoft.ML.Attribution.Onnx;
using TorchSharp;
using static TorchSharp.torch;
using Microsoft.ML.Attribution.Tensors;

namespace Microsoft.ML.Attribution.Tests.Methods;

[TestClass]
public sealed class SubBatchSizesTests : TorchTest
{
    private static Network TinyVgg() => OnnxImporter.Load(MethodFixtures.Fixture("onnx", "tiny_vgg_opset13.onnx"));

    private static long Elements(long[] shape) => shape.Aggregate(1L, (a, b) => a * b);

    [TestMethod]
    public void RecordedPassesCountEveryLayerOutputThreeTimes()
    {
        using Network network = TinyVgg();
        long perRow = network.Layers.Sum(l => Elements(l.OutputShape)) + network.Inputs[0].Shape.Aggregate(1L, (a, b) => a * Math.Max(b, 1));
        Assert.IsGreaterThan(0L, perRow);
        foreach (long budget in new long[] { 1, 64, 2048 })
        {
            long expected = Math.Max(1, budget * 1024 * 1024 / (perRow * 4 * 3));
            Assert.AreEqual(expected, SubBatchSizes.ForRecordedPasses(network, budget, ScalarType.Float32), $"float32, {budget} MB");
            Assert.AreEqual(Math.Max(1, budget * 1024 * 1024 / (perRow * 8 * 3)), SubBatchSizes.ForRecordedPasses(network, budget, ScalarType.Float64),
                $"float64 rows are twice the bytes, {budget} MB");
        }
    }

    [TestMethod]
    public void ForwardsCostThreeOfTheLargestOutputAndStopAtTheCap()
    {
        using Network network = TinyVgg();
        long largest = network.Layers.Max(l => Elements(l.OutputShape));
        long perRow = (3 * largest + Elements(network.Inputs[0].Shape.Select(d => Math.Max(d, 1)).ToArray())) * 4;
        long oneMegabyte = Math.Clamp(1024 * 1024 / perRow, 1, SubBatchSizes.MaxForwardRows);
        Assert.AreEqual(oneMegabyte, SubBatchSizes.ForForwards(network, 1, ScalarType.Float32));
        Assert.AreEqual(SubBatchSizes.MaxForwardRows, SubBatchSizes.ForForwards(network, 100_000, ScalarType.Float32), "capped");
        Assert.AreEqual(1L, SubBatchSizes.ForForwards(network, 0, ScalarType.Float32), "at least one row");
        Assert.IsGreaterThanOrEqualTo(SubBatchSizes.ForRecordedPasses(network, 1, ScalarType.Float32), SubBatchSizes.ForForwards(network, 1, ScalarType.Float32),
            "a forward keeps fewer values than a recorded pass");
    }
}
