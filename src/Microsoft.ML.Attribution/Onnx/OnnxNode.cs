using System.Text;
using Microsoft.ML.Attribution.Onnx.Proto;

namespace Microsoft.ML.Attribution.Onnx;

/// <summary>A NodeProto with its resolved opset version, typed attribute access and error helpers.</summary>
internal sealed class OnnxNode
{
    private readonly Dictionary<string, AttributeProto> _attributes;

    public OnnxNode(NodeProto proto, long opset, IReadOnlyList<string> inputs)
    {
        Proto = proto;
        Opset = opset;
        Inputs = inputs;
        _attributes = proto.Attribute.GroupBy(a => a.Name).ToDictionary(g => g.Key, g => g.Last());
        Name = string.IsNullOrEmpty(proto.Name) ? (proto.Output.Count > 0 ? proto.Output[0] : proto.OpType) : proto.Name;
    }

    public NodeProto Proto { get; }

    public string Name { get; }

    public string OpType => Proto.OpType;

    /// <summary>The opset version of the default domain this node is interpreted under.</summary>
    public long Opset { get; }

    /// <summary>Input value names after alias resolution; "" marks an omitted optional input.</summary>
    public IReadOnlyList<string> Inputs { get; }

    public string Output => Proto.Output[0];

    public bool HasInput(int index) => index < Inputs.Count && Inputs[index].Length > 0;

    public bool Has(string attribute) => _attributes.ContainsKey(attribute);

    public long Int(string name, long fallback) => _attributes.TryGetValue(name, out AttributeProto? a) ? a.I : fallback;

    public float Float(string name, float fallback) => _attributes.TryGetValue(name, out AttributeProto? a) ? a.F : fallback;

    public string String(string name, string fallback) =>
        _attributes.TryGetValue(name, out AttributeProto? a) ? Encoding.UTF8.GetString(a.S.Span) : fallback;

    public long[]? Ints(string name) => _attributes.TryGetValue(name, out AttributeProto? a) ? a.Ints.ToArray() : null;

    public float[]? Floats(string name) => _attributes.TryGetValue(name, out AttributeProto? a) ? a.Floats.ToArray() : null;

    public AttributeProto? Attribute(string name) => _attributes.GetValueOrDefault(name);

    public OnnxImportException Error(string message, Exception? inner = null) =>
        new($"Node '{Name}' ({OpType}, opset {Opset}): {message}", Name, OpType, inner);
}
