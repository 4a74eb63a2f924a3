using System.Runtime.InteropServices;
using Microsoft.ML.Attribution.Torch.Native;
using static Microsoft.ML.Attribution.Torch.torch;

namespace Microsoft.ML.Attribution.Torch;

/// <summary>Turns native results into tensors, or into a <see cref="TorchException"/> naming the operation and operands.</summary>
internal static class NativeResult
{
    internal static Tensor Wrap(TensorHandle handle, string operation, Tensor? a = null, Tensor? b = null, Tensor? c = null)
    {
        if (handle.IsInvalid) throw Error(operation, a, b, c);
        return new Tensor(handle);
    }

    /// <summary>Wraps a raw handle written into an output array; a null pointer is an absent (optional) result.</summary>
    internal static Tensor? WrapOptional(IntPtr handle) => handle == IntPtr.Zero ? null : new Tensor(new TensorHandle(handle));

    internal static void Check(int status, string operation, Tensor? a = null, Tensor? b = null, Tensor? c = null)
    {
        if (status < 0) throw Error(operation, a, b, c);
    }

    /// <summary>The message the failing native call on this thread left behind.</summary>
    internal static string LastError() => (Marshal.PtrToStringUTF8(NativeMethods.MLA_last_error()) ?? "unknown error").Trim();

    internal static TorchException Error(string operation, Tensor? a = null, Tensor? b = null, Tensor? c = null)
    {
        string reason = Marshal.PtrToStringUTF8(NativeMethods.MLA_last_error()) ?? "unknown error";
        var operands = new[] { a, b, c }.Where(t => t is not null).Select(t => t!.Describe()).ToArray();
        string on = operands.Length == 0 ? "" : $" (operands: {string.Join(", ", operands)})";
        return new TorchException(operation, $"{operation} failed{on}: {reason.Trim()}");
    }

    internal static TorchException Error(string operation, IEnumerable<Tensor> operands)
    {
        string reason = Marshal.PtrToStringUTF8(NativeMethods.MLA_last_error()) ?? "unknown error";
        return new TorchException(operation, $"{operation} failed (operands: {string.Join(", ", operands.Select(t => t.Describe()))}): {reason.Trim()}");
    }
}
