using static TorchSharp.torch;

namespace Microsoft.ML.Attribution.Graph.Layers;

/// <summary>
/// A tensor a layer derives from its parameters the first time a backward needs it, then keeps until its parameters change
/// or it is disposed. Made on first use rather than with the weights so that a network only ever run forward (Occlusion,
/// RISE, Score-CAM) or only loaded holds one copy of them. <see cref="Live"/> counts the tensors held process-wide, so the
/// tests' live-tensor accounting can tell a cache on a shared network from a leak.
/// </summary>
internal sealed class DerivedTensorCache : IDisposable
{
    private static long _live;
    private readonly object _gate = new();
    private Tensor? _value;
    private bool _made;

    /// <summary>Tensors held by every cache in the process.</summary>
    internal static long Live => Interlocked.Read(ref _live);

    /// <summary>The cached tensor, made by <paramref name="make"/> (outside any dispose scope) on the first call; null when it makes none.</summary>
    public Tensor? GetOrMake(Func<Tensor?> make)
    {
        lock (_gate)
        {
            if (_made) return _value;
            _value = make()?.DetachFromDisposeScope();
            _made = true;
            if (_value is not null) Interlocked.Increment(ref _live);
            return _value;
        }
    }

    /// <summary>Drops the cached tensor (the parameters it came from changed, or the layer is going away).</summary>
    public void Clear()
    {
        lock (_gate)
        {
            if (_value is not null)
            {
                _value.Dispose();
                Interlocked.Decrement(ref _live);
            }
            _value = null;
            _made = false;
        }
    }

    public void Dispose() => Clear();
}
