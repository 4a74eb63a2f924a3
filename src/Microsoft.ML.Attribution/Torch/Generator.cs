using Microsoft.ML.Attribution.Torch.Native;

namespace Microsoft.ML.Attribution.Torch;

public static partial class torch
{
    /// <summary>A seeded CPU random-number generator; pass it to rand/randn/normal for reproducible draws.</summary>
    public sealed class Generator : IDisposable
    {
        internal static readonly GeneratorHandle NullHandle = new();
        private readonly GeneratorHandle _handle;

        public Generator(long seed)
        {
            _handle = NativeMethods.MLAGenerator_new(seed);
            if (_handle.IsInvalid) throw NativeResult.Error("Generator");
        }

        internal GeneratorHandle Handle => !_handle.IsClosed ? _handle : throw new ObjectDisposedException(nameof(Generator));

        public Generator manual_seed(long seed)
        {
            NativeResult.Check(NativeMethods.MLAGenerator_manual_seed(Handle, seed), "manual_seed");
            return this;
        }

        public long initial_seed() => NativeMethods.MLAGenerator_initial_seed(Handle);

        public void Dispose() => _handle.Dispose();
    }
}
