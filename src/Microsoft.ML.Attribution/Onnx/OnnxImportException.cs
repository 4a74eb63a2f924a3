namespace Microsoft.ML.Attribution.Onnx;

/// <summary>An ONNX model could not be imported; the message names the file, node and op type involved.</summary>
public sealed class OnnxImportException : Exception
{
    public OnnxImportException(string message, string? nodeName = null, string? opType = null, Exception? inner = null)
        : base(message, inner)
    {
        NodeName = nodeName;
        OpType = opType;
    }

    public string? NodeName { get; }

    public string? OpType { get; }
}
