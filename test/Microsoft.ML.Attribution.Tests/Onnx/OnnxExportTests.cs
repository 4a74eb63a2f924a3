using TorchSharp;
using Microsoft.ML.Attribution.Tensors;
using Microsoft.ML.Attribution.Graph;
using Microsoft.ML.Attribution.Maps;
using Microsoft.ML.Attribution.Onnx;
using static TorchSharp.torch;

namespace Microsoft.ML.Attribution.Tests.Onnx;

/// <summary>
/// Real torch.onnx.export files (tools/export_onnx_models.py): small models committed as fixtures, run on a batch
/// larger than the exported one; our output must equal torch's (max abs diff ≤ 1e-4 of the output range).
/// </summary>
[TestClass]
public sealed class OnnxExportTests : TorchTest
{
    public static IEnumerable<object[]> SmallModels() =>
        Directory.GetFiles(FixturePath("onnx"), "*.onnx").Select(Path.GetFileNameWithoutExtension).Order().Select(n => new object[] { n! });

    [TestMethod]
    [DynamicData(nameof(SmallModels))]
    public void Small_export_matches_torch(string name) => AssertMatchesTorch(FixturePath("onnx", name));

    internal static void AssertMatchesTorch(string stem)
    {
        using DisposeScope scope = NewDisposeScope();
        using Network network = OnnxImporter.Load(stem + ".onnx");
        Tensor input = Npy.Load(stem + ".input.npy");
        Tensor expected = Npy.Load(stem + ".expected.npy");
        Tensor actual = network.Forward(input);
        double range = (expected.max() - expected.min()).ItemAs<float>();
        double diff = MaxAbsDiff(actual, expected);
        Assert.IsLessThanOrEqualTo(1e-4 * Math.Max(range, 1e-6), diff, $"{Path.GetFileName(stem)}: max abs diff {diff:E2} (output range {range:G4})");
    }
}
