namespace Microsoft.ML.Attribution.Runtime;

/// <summary>TorchSharp's native libraries could not be loaded; the message says which file or version is missing and what to do.</summary>
public sealed class TorchSharpLoadException(string message, Exception? inner = null) : InvalidOperationException(message, inner);
