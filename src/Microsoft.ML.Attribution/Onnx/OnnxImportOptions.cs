namespace Microsoft.ML.Attribution.Onnx;

/// <summary>How <see cref="OnnxImporter"/> reads a model.</summary>
public sealed record OnnxImportOptions
{
    /// <summary>
    /// Require one float image input [N,C,H,W] and batch-preserving ops (the attribution use). Turn off to import
    /// general graphs (several inputs, any rank), e.g. ONNX's operator conformance tests.
    /// </summary>
    public bool RequireImageInput { get; init; } = true;

    /// <summary>Height and width assumed for shape inference when the model leaves them symbolic.</summary>
    public long DefaultImageSize { get; init; } = 224;

    /// <summary>
    /// Values for graph inputs that should be treated as constants (bound at import like initializers), e.g. the
    /// weights of ONNX conformance tests, which arrive as inputs.
    /// </summary>
    public IReadOnlyDictionary<string, TorchSharp.torch.Tensor>? ConstantInputs { get; init; }

    public static OnnxImportOptions Default { get; } = new();
}
