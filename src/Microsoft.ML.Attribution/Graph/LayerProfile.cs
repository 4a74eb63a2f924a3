using System.Diagnostics;
using Microsoft.ML.Attribution.Graph.Layers;
using Microsoft.ML.Attribution.Runtime;

namespace Microsoft.ML.Attribution.Graph;

/// <summary>
/// Where a network's passes spend their time: while a profile is running (one per process), every layer's forward, recorded
/// forward and rule backward is timed and summed per phase and layer kind (convolutions also by kernel, stride and channels,
/// backward steps by rule), with the page faults each incurred (memory mapped afresh costs more than the arithmetic on it under
/// virtualization). For finding what to make faster; `attribution bench --profile` prints it. Off, it costs one
/// field read per layer.
/// </summary>
public sealed class LayerProfile : IDisposable
{
    private static LayerProfile? s_active;
    private readonly Dictionary<(string Phase, string Layer), (int Calls, double Seconds, long PageFaults)> _totals = [];
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
                return _totals.Select(kv => new LayerProfileEntry(kv.Key.Phase, kv.Key.Layer, kv.Value.Calls, kv.Value.Seconds, kv.Value.PageFaults))
                    .OrderByDescending(e => e.Seconds).ToList();
        }
    }

    public void Dispose() => Interlocked.CompareExchange(ref s_active, null, this);

    /// <summary>When a layer step starts: the clock and the page-fault count (zero when no profile is running).</summary>
    internal readonly record struct Mark(long Timestamp, long PageFaults);

    internal static Mark Now() => Active is null ? default : new Mark(Stopwatch.GetTimestamp(), PageFaults.Minor());

    /// <summary>Adds the time and faults since <paramref name="started"/> (from <see cref="Now"/>) to the layer's entry, if a profile is running.</summary>
    internal static void Add(Mark started, string phase, Layer layer, string? rule = null)
    {
        if (Active is not { } profile || started.Timestamp == 0) return;
        double seconds = Stopwatch.GetElapsedTime(started.Timestamp).TotalSeconds;
        long faults = PageFaults.Minor() - started.PageFaults;
        string kind = layer is Conv2d conv
            ? $"Conv2d {conv.Weight.shape[2]}x{conv.Weight.shape[3]} s{conv.Stride[0]} {conv.Weight.shape[1] * conv.Groups}→{conv.Weight.shape[0]}"
            : layer.Kind;
        if (rule is not null) kind += $" ({rule})";
        lock (profile._lock)
        {
            profile._totals.TryGetValue((phase, kind), out var total);
            profile._totals[(phase, kind)] = (total.Calls + 1, total.Seconds + seconds, total.PageFaults + faults);
        }
    }
}

/// <summary>One line of a <see cref="LayerProfile"/>: the calls, seconds and minor page faults of one layer kind in one phase.</summary>
public sealed record LayerProfileEntry(string Phase, string Layer, int Calls, double Seconds, long PageFaults);
