using System.Runtime.InteropServices;

namespace Microsoft.ML.Attribution.Tensors;

/// <summary>
/// An exception's message fit for an error column or a terminal: libtorch's errors (TorchSharp's ExternalException) carry
/// the C++ source location and a stack of native frames after the reason; only the reason is kept.
/// </summary>
public static class ErrorText
{
    public static string Of(Exception error)
    {
        string message = error.Message;
        if (error is not ExternalException) return message;
        int cut = message.IndexOf("Exception raised from", StringComparison.Ordinal);
        if (cut < 0) cut = message.IndexOf("frame #0", StringComparison.Ordinal);
        string reason = (cut >= 0 ? message[..cut] : message).Trim();
        return reason.Length > 0 ? $"libtorch: {reason.ReplaceLineEndings(" ")}" : message;
    }
}
