using Microsoft.ML.Attribution.Torch.Native;

namespace Microsoft.ML.Attribution.Torch;

public static partial class torch
{
    /// <summary>Disables autograd recording on this thread until disposed (restores the previous mode).</summary>
    public static IDisposable no_grad() => new GradModeScope(false);

    /// <summary>Enables (or sets) autograd recording on this thread until disposed.</summary>
    public static IDisposable enable_grad(bool enabled = true) => new GradModeScope(enabled);

    public static bool is_grad_enabled() => NativeMethods.MLAAutograd_is_enabled() != 0;

    private sealed class GradModeScope : IDisposable
    {
        private readonly bool _previous;
        private bool _disposed;

        internal GradModeScope(bool enabled) => _previous = NativeMethods.MLAAutograd_set_enabled(enabled ? 1 : 0) != 0;

        public void Dispose()
        {
            if (_disposed) return;
            _disposed = true;
            NativeMethods.MLAAutograd_set_enabled(_previous ? 1 : 0);
        }
    }
}
