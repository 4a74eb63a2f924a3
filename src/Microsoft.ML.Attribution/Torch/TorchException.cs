namespace Microsoft.ML.Attribution.Torch;

/// <summary>A libtorch operation failed; the message names the operation, its operands and libtorch's reason.</summary>
public sealed class TorchException : Exception
{
    public TorchException(string operation, string message) : base(message) => Operation = operation;

    /// <summary>The operation that failed, e.g. <c>conv2d</c>.</summary>
    public string Operation { get; }
}
