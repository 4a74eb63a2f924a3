using Microsoft.ML.Attribution.Graph;
using Microsoft.ML.Attribution.Onnx;
using Microsoft.ML.Attribution.Tests.Onnx;
using Microsoft.ML.Attribution.Transforms;
using Microsoft.ML.Data;

namespace Microsoft.ML.Attribution.Tests.Transforms;

/// <summary>
/// ONNX Runtime as a second opinion on our importer, in the user's own pipeline: the same .onnx file goes into ML.NET's ApplyOnnxModel and
/// into Explain, and Explain's logit column must equal ONNX Runtime's logit of the explained class within 1e-4 of that row's logit range.
/// </summary>
[TestClass]
public sealed class OnnxRuntimeAgreementTests : TorchTest
{
    private readonly MLContext _context = new(seed: 1);

    [ClassInitialize]
    public static void Exports(TestContext context) => TorchvisionExportTests.GenerateExports(context);

    public static IEnumerable<object[]> Models() =>
    [
        ["shapes_vgg.onnx"], ["shapes_resnet.onnx"],
        ["resnet18_opset11.onnx"], ["mobilenet_v2_opset11.onnx"], ["squeezenet1_1_opset11.onnx"], ["densenet121_opset13_nofold.onnx"], ["vgg16_bn_opset13_nofold.onnx"],
    ];

    private static string PathOf(string file) => file.StartsWith("shapes_", StringComparison.Ordinal)
        ? Path.Combine(TorchvisionExportTests.RepositoryRoot(), "src", "Samples", "assets", "models", file)
        : Path.Combine(TorchvisionExportTests.CacheDirectory(), file);

    [TestMethod]
    [DynamicData(nameof(Models))]
    public void OurLogitsEqualOnnxRuntimesThroughApplyOnnxModel(string file)
    {
        string modelPath = PathOf(file);
        string input, output;
        int size;
        using (Network network = OnnxImporter.Load(modelPath))
        {
            (input, output, size) = (network.Inputs[0].Name, network.OutputNames[0], (int)network.Inputs[0].Shape[1]);
        }
        var random = new Random(3);
        float[][] rows = Enumerable.Range(0, 3).Select(_ => Enumerable.Range(0, 3 * size * size).Select(_ => (float)(random.NextDouble() * 4 - 2)).ToArray()).ToArray();
        var definition = SchemaDefinition.Create(typeof(PixelsRow));
        definition[nameof(PixelsRow.Pixels)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, 3, size, size);
        definition[nameof(PixelsRow.Pixels)].ColumnName = input;
        IDataView data = _context.Data.LoadFromEnumerable(rows.Select(p => new PixelsRow { Pixels = p }), definition);

        var pipeline = _context.Transforms.ApplyOnnxModel(output, input, modelPath)
            .Append(_context.Transforms.Explain("Map", input, modelPath, "gradient"));
        using var model = pipeline.Fit(data);
        IDataView scored = model.Transform(data);

        List<float[]> onnx = TransformFixtures.Vectors(scored, output);
        List<int> targets = TransformFixtures.Column<int>(scored, "MapTarget");
        List<float> logits = TransformFixtures.Column<float>(scored, "MapLogit");
        Assert.IsTrue(TransformFixtures.Texts(scored, "MapError").All(e => e == ""));
        for (int i = 0; i < rows.Length; i++)
        {
            float range = onnx[i].Max() - onnx[i].Min();
            Assert.AreEqual(Array.IndexOf(onnx[i], onnx[i].Max()), targets[i], $"{file} row {i}: the top class");
            Assert.AreEqual(onnx[i][targets[i]], logits[i], 1e-4 * range, $"{file} row {i}: logit of class {targets[i]}");
        }
    }

    public sealed class PixelsRow
    {
        public float[] Pixels { get; set; } = [];
    }
}
