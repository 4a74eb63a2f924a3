using System.Diagnostics;
using Microsoft.ML.Attribution.Graph.Layers;

namespace Microsoft.ML.Attribution.Graph;

/// <summary>
/// Where a network's passes spend their time: while a profile is running (one per process), every layer's forward, recorded
/// forward and rule backward is timed and summed per phase and layer kind (convolutions also by kernel, stride and channels,
/// backward steps by rule). For finding what to make faster; `attribution bench --profile` prints it. Off, it costs one
/// field read per layer.
/// </summary>
public sealed class LayerProfile : IDisposable
{
    private static LayerProfile? s_active;
    private readonly Dictionary<(string Phase, string Layer), (int Calls, double Seconds)> _totals = [];
    private readonly Lock _lock = new();

    private LayerProfile() { }

    internal static LayerProfile? Active => Volatile.Read(ref s_active);

    /// <summary>Starts timing layers until the profile is disposed.</summary>
    /// <exception cref="InvalidOperationException">Another profile is running.</exception>
    public static LayerProfile Start()
    {
        var profile = new LayerProfile();
        if (Interlocked.CompareExchange(ref s_active, profile, null) is not null)
            throw new InvalidOperationException("A layer profile is already running in this process; dispose it first.");
        return profile;
    }

    /// <summary>Totals per (phase, layer kind), the largest first. Phases: forward, record (a forward kept for a backward), backward.</summary>
    public IReadOnlyList<LayerProfileEntry> Entries
    {
        get
        {
            lock (_lock)
                return _totals.Select(kv => new LayerProfileEntry(kv.Key.Phase, kv.Key.Layer, kv.Value.Calls, kv.Value.Seconds))
                    .OrderByDescending(e => e.Seconds).ToList();
        }
    }

    public void Dispose() => Interlocked.CompareExchange(ref s_active, null, this);

    internal static long Now() => Active is null ? 0 : Stopwatch.GetTimestamp();

    /// <summary>Adds the time since <paramref name="started"/> (from <see cref="Now"/>) to the layer's entry, if a profile is running.</summary>
    internal static void Add(long started, string phase, Layer layer, string? rule = null)
    {
        if (Active is not { } profile || started == 0) return;
        double seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        string kind = layer is Conv2d conv
            ? $"Conv2d {conv.Weight.shape[2]}x{conv.Weight.shape[3]} s{conv.Stride[0]} {conv.Weight.shape[1] * conv.Groups}→{conv.Weight.shape[0]}"
            : layer.Kind;
        if (rule is not null) kind += $" ({rule})";
        lock (profile._lock)
        {
            profile._totals.TryGetValue((phase, kind), out var total);
            profile._totals[(phase, kind)] = (total.Calls + 1, total.Seconds + seconds);
        }
    }
}

/// <summary>One line of a <see cref="LayerProfile"/>: the calls and seconds of one layer kind in one phase.</summary>
public sealed record LayerProfileEntry(string Phase, string Layer, int Calls, double Seconds);
