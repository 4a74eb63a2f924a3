using Microsoft.ML.Attribution.Graph;
using Microsoft.ML.Attribution.Onnx;
using Microsoft.ML.Attribution.Onnx.Proto;
using Google.Protobuf;

namespace Microsoft.ML.Attribution.Tests.Onnx;

/// <summary>Bad models fail with errors that name the file, node, op and cause.</summary>
[TestClass]
public sealed class OnnxImporterErrorTests : TorchTest
{
    private static ModelProto Fixture(string name = "tiny_vgg_opset13") =>
        ModelProto.Parser.ParseFrom(File.ReadAllBytes(FixturePath("onnx", name + ".onnx")));

    private static OnnxImportException Fails(ModelProto model) =>
        Assert.ThrowsExactly<OnnxImportException>(() => OnnxImporter.Load(model.ToByteArray()));

    [TestMethod]
    public void Unsupported_op_names_the_node_the_op_and_the_supported_list()
    {
        ModelProto model = Fixture();
        NodeProto relu = model.Graph.Node.First(n => n.OpType == "Relu");
        relu.OpType = "Elu";
        OnnxImportException e = Fails(model);
        Assert.AreEqual("Elu", e.OpType);
        Assert.AreEqual(relu.Name, e.NodeName);
        StringAssert.Contains(e.Message, relu.Name);
        StringAssert.Contains(e.Message, "Supported ops: Add");
    }

    [TestMethod]
    public void Corrupt_and_truncated_files_are_reported()
    {
        byte[] bytes = File.ReadAllBytes(FixturePath("onnx", "tiny_vgg_opset13.onnx"));
        string path = Path.Combine(Path.GetTempPath(), $"truncated-{Guid.NewGuid():N}.onnx");
        try
        {
            File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
            var e = Assert.ThrowsExactly<OnnxImportException>(() => OnnxImporter.Load(path));
            StringAssert.Contains(e.Message, Path.GetFileName(path));
            File.WriteAllBytes(path, Enumerable.Range(0, 4096).Select(i => (byte)(i * 37 % 251)).ToArray());
            Assert.ThrowsExactly<OnnxImportException>(() => OnnxImporter.Load(path));
            File.WriteAllBytes(path, []);
            StringAssert.Contains(Assert.ThrowsExactly<OnnxImportException>(() => OnnxImporter.Load(path)).Message, "no graph");
        }
        finally
        {
            File.Delete(path);
        }
        Assert.ThrowsExactly<FileNotFoundException>(() => OnnxImporter.Load("/no/such/model.onnx"));
    }

    [TestMethod]
    public void Missing_initializer_is_reported_with_its_name()
    {
        ModelProto model = Fixture();
        TensorProto weight = model.Graph.Initializer.First(i => i.Dims.Count == 4);
        model.Graph.Initializer.Remove(weight);
        OnnxImportException e = Fails(model);
        StringAssert.Contains(e.Message, weight.Name);
    }

    [TestMethod]
    public void Unsupported_opset_and_foreign_domains_are_rejected()
    {
        ModelProto model = Fixture();
        model.OpsetImport[0].Version = 99;
        StringAssert.Contains(Fails(model).Message, "opset 99");
        ModelProto foreign = Fixture();
        foreign.Graph.Node[0].Domain = "com.microsoft";
        StringAssert.Contains(Fails(foreign).Message, "com.microsoft");
    }

    [TestMethod]
    public void Non_image_inputs_are_rejected_in_image_mode()
    {
        ModelProto model = Fixture();
        var dims = model.Graph.Input[0].Type.TensorType.Shape.Dim;
        dims.RemoveAt(3);
        dims.RemoveAt(2);
        StringAssert.Contains(Fails(model).Message, "not a float image");
    }

    [TestMethod]
    public void Truncated_raw_data_is_reported()
    {
        ModelProto model = Fixture();
        TensorProto weight = model.Graph.Initializer.First(i => i.Dims.Count == 4);
        weight.RawData = ByteString.CopyFrom(weight.RawData.Span[..8]);
        StringAssert.Contains(Fails(model).Message, "truncated or corrupt");
    }
}
