using System.Runtime.InteropServices;
using Microsoft.ML.Attribution.Graph;
using Microsoft.ML.Attribution.Onnx;
using Microsoft.ML.Attribution.Onnx.Proto;
using TorchSharp;
using Microsoft.ML.Attribution.Tensors;
using static TorchSharp.torch;

namespace Microsoft.ML.Attribution.Tests.Onnx;

/// <summary>
/// ONNX's own operator conformance tests (Debian libonnx-testdata, node/test_*): every 2-D case of every supported
/// op is imported as a general graph and must reproduce the expected outputs (≤ 1e-5 relative).
/// </summary>
[TestClass]
public sealed class OnnxConformanceTests : TorchTest
{
    private const string DataRoot = "/usr/share/libonnx-testdata/data/node";

    /// <summary>Cases outside the importer's scope, with the reason (anything else under the op's prefix must pass).</summary>
    private static readonly (string pattern, string reason)[] OutOfScope =
    [
        ("_1d", "1-D windows (2-D image CNNs only)"),
        ("_3d_default", "3-D windows"),
        ("_expanded", "expanded into ops outside the CNN subset (ReduceMax, Exp, …)"),
        ("_training_mode", "training-mode batch norm"),
        ("with_argmax", "MaxPool's Indices output"),
        ("_uint8", "integer pooling/arithmetic outside float CNNs"),
        ("_int8", "integer clip"),
        ("test_identity_sequence", "sequence types"),
        ("test_identity_opt", "optional types"),
        ("test_dropout_default_mask", "Dropout's mask output"),
        ("test_dropout_random_old", "random training-mode dropout"),
        ("test_reshape_allowzero", "allowzero with a zero-sized dimension"),
    ];

    private static readonly Dictionary<string, string[]> Prefixes = new()
    {
        ["Conv"] = ["test_conv_"],
        ["Relu"] = ["test_relu"],
        ["LeakyRelu"] = ["test_leakyrelu"],
        ["Clip"] = ["test_clip"],
        ["Sigmoid"] = ["test_sigmoid"],
        ["MaxPool"] = ["test_maxpool_"],
        ["AveragePool"] = ["test_averagepool_"],
        ["GlobalAveragePool"] = ["test_globalaveragepool"],
        ["BatchNormalization"] = ["test_batchnorm_"],
        ["Gemm"] = ["test_gemm_"],
        ["MatMul"] = ["test_matmul_"],
        ["Add"] = ["test_add"],
        ["Sub"] = ["test_sub"],
        ["Mul"] = ["test_mul"],
        ["Div"] = ["test_div"],
        ["Concat"] = ["test_concat_"],
        ["Flatten"] = ["test_flatten_"],
        ["Reshape"] = ["test_reshape_"],
        ["Squeeze"] = ["test_squeeze"],
        ["Unsqueeze"] = ["test_unsqueeze_"],
        ["Transpose"] = ["test_transpose_"],
        ["Pad"] = ["test_constant_pad", "test_edge_pad", "test_reflect_pad"],
        ["Softmax"] = ["test_softmax_"],
        ["LogSoftmax"] = ["test_logsoftmax_"],
        ["Identity"] = ["test_identity"],
        ["Dropout"] = ["test_dropout_"],
        ["Constant"] = ["test_constant"],
    };

    private static IEnumerable<string> CasesFor(string op) =>
        Directory.Exists(DataRoot)
            ? Directory.GetDirectories(DataRoot).Select(Path.GetFileName).Select(n => n!)
                .Where(n => Prefixes[op].Any(p => n.StartsWith(p, StringComparison.Ordinal)))
                .Where(n => !(op == "Constant" && n.StartsWith("test_constant_pad", StringComparison.Ordinal)))
                .Where(n => !OutOfScope.Any(o => n.Contains(o.pattern, StringComparison.Ordinal)))
                .Order()
            : [];

    public static IEnumerable<object[]> Ops() => Prefixes.Keys.Select(k => new object[] { k });

    [TestMethod]
    public void Test_data_is_installed() =>
        Assert.IsTrue(Directory.Exists(DataRoot), $"{DataRoot} is missing: run bash eng/install-prerequisites.sh (libonnx-testdata).");

    [TestMethod]
    [DynamicData(nameof(Ops))]
    public void Conformance_cases_pass(string op)
    {
        var cases = CasesFor(op).ToList();
        Assert.IsNotEmpty(cases, $"no conformance cases found for {op}");
        var failures = new List<string>();
        foreach (string name in cases)
        {
            try
            {
                RunCase(Path.Combine(DataRoot, name));
            }
            catch (Exception e) when (e is AssertFailedException or OnnxImportException or ExternalException or ArgumentException or InvalidOperationException)
            {
                failures.Add($"{name}: {e.Message}");
            }
        }
        TestContext.WriteLine($"{op}: {cases.Count - failures.Count}/{cases.Count} conformance cases pass");
        Assert.IsEmpty(failures, $"{op}: {failures.Count} of {cases.Count} cases fail:\n{string.Join("\n", failures)}");
    }

    private static void RunCase(string directory)
    {
        using DisposeScope scope = NewDisposeScope();
        string model = Path.Combine(directory, "model.onnx");
        string[] inputNames = GraphInputNames(model);
        // The suite feeds weights, shapes, axes and pads as inputs; a CNN has them as initializers. Bind every
        // input but the first (all of them for ConstantOfShape, whose only input is a shape) as a constant.
        int dynamicInputs = Path.GetFileName(directory).StartsWith("test_constantofshape", StringComparison.Ordinal) ? 0 : Math.Min(1, inputNames.Length);
        foreach (string dataSet in Directory.GetDirectories(directory, "test_data_set_*"))
        {
            var constants = new Dictionary<string, Tensor>();
            for (int i = dynamicInputs; i < inputNames.Length; i++) constants[inputNames[i]] = ReadTensor(Path.Combine(dataSet, $"input_{i}.pb"));
            using Network network = OnnxImporter.Load(model, new OnnxImportOptions { RequireImageInput = false, ConstantInputs = constants });
            var inputs = new Dictionary<string, Tensor>();
            for (int i = 0; i < dynamicInputs; i++) inputs[inputNames[i]] = ReadTensor(Path.Combine(dataSet, $"input_{i}.pb"));
            Dictionary<string, Tensor> outputs = network.Forward(inputs);
            for (int i = 0; i < network.OutputNames.Count; i++)
            {
                Tensor expected = ReadTensor(Path.Combine(dataSet, $"output_{i}.pb"));
                Tensor actual = outputs[network.OutputNames[i]];
                CollectionAssert.AreEqual(expected.shape, actual.shape, $"output {i} shape");
                Assert.AreEqual(expected.dtype, actual.dtype, $"output {i} dtype");
                if (expected.numel() == 0) continue;
                double scale = Math.Max(1.0, expected.to(ScalarType.Float64).abs().max().ItemAs<double>());
                double diff = MaxAbsDiff(actual, expected);
                Assert.IsLessThanOrEqualTo(1e-5 * scale, diff, $"output {i}: max abs diff {diff:E2}");
            }
        }
    }

    private static string[] GraphInputNames(string model)
    {
        GraphProto graph = ModelProto.Parser.ParseFrom(File.ReadAllBytes(model)).Graph;
        var initializers = graph.Initializer.Select(i => i.Name).ToHashSet();
        return graph.Input.Select(i => i.Name).Where(n => !initializers.Contains(n)).ToArray();
    }

    private static Tensor ReadTensor(string path) =>
        OnnxTensor.ToTensor(TensorProto.Parser.ParseFrom(File.ReadAllBytes(path)), Path.GetDirectoryName(path));
}
