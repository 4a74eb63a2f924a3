using Microsoft.ML.Attribution.Tensors;
using static TorchSharp.torch;

namespace Microsoft.ML.Attribution.Methods;

/// <summary>
/// The result of one attribution call: the map [N, C, H, W] at input resolution (C = 1 for CAM-type methods),
/// the class explained per row and its score, and method-specific extras (e.g. DMBP's negative map, IG's delta).
/// Owns its tensors: dispose it.
/// </summary>
public sealed class AttributionMap : IDisposable
{
    public AttributionMap(string method, Tensor map, long[] targets, double[] scores, IReadOnlyDictionary<string, Tensor>? extras = null)
    {
        Method = method;
        Map = map.DetachFromDisposeScope();
        Targets = targets;
        Scores = scores;
        Extras = extras?.ToDictionary(kv => kv.Key, kv => kv.Value.DetachFromDisposeScope()) ?? new Dictionary<string, Tensor>();
    }

    public string Method { get; }

    public Tensor Map { get; }

    /// <summary>The class explained, per row.</summary>
    public long[] Targets { get; }

    /// <summary>The target's logit, per row.</summary>
    public double[] Scores { get; }

    public IReadOnlyDictionary<string, Tensor> Extras { get; }

    public void Dispose()
    {
        Map.Dispose();
        foreach (Tensor t in Extras.Values) t.Dispose();
    }
}
