using Microsoft.ML.Attribution.Graph;
using Microsoft.ML.Attribution.Rules;
using Microsoft.ML.Attribution.Tensors;
using static TorchSharp.torch;

namespace Microsoft.ML.Attribution.Methods;

/// <summary>
/// One named, runnable configuration of the positive aggregation/propagation study (methods.md §4.2): a registry method
/// and its options, so the CLI reproduces it as <c>--method {Method} --option k=v …</c>.
/// </summary>
/// <param name="Name">Unique label in the study's tables, e.g. "gradcam-positive".</param>
/// <param name="Method">The <see cref="MethodRegistry"/> name.</param>
/// <param name="Options">The registry options ("key=value" as the CLI passes them).</param>
/// <param name="Family">Aggregation, propagation, baseline or contrastive.</param>
/// <param name="Published">Whether this is the method as its authors published it (not a φ variant).</param>
/// <param name="PositiveOnly">
/// Whether it is "positive" in Khakzar et al.'s sense: only positive (or absolute) gradient/relevance information is
/// aggregated or propagated. Their hypothesis: these maps are class-insensitive.
/// </param>
/// <param name="MapExtra">Compare this entry of <see cref="AttributionMap.Extras"/> instead of the map (e.g. CLRP's "target" LRP pass).</param>
/// <param name="DivideByTotal">
/// Divide each row's map by its total first, as CLRP does with its passes: a logit-seeded pass for a class with a
/// negative logit is flipped in sign, which this undoes (the scale is removed by the comparison's normalization anyway).
/// </param>
public sealed record StudyVariant(
    string Name,
    string Method,
    IReadOnlyDictionary<string, string> Options,
    StudyFamily Family,
    bool Published,
    bool PositiveOnly,
    string? MapExtra = null,
    bool DivideByTotal = false)
{
    /// <summary>The method bound to <paramref name="network"/> (dispose it).</summary>
    public IAttributionMethod Create(Network network) => MethodRegistry.Create(Method, network, Options);

    /// <summary>The map the study compares, from one attribution result: a new tensor (dispose it).</summary>
    public Tensor MapOf(AttributionMap result)
    {
        ArgumentNullException.ThrowIfNull(result);
        Tensor map = result.Map;
        if (MapExtra is not null && !result.Extras.TryGetValue(MapExtra, out map!))
            throw new InvalidOperationException($"Method '{Method}' returned no extra '{MapExtra}' (it has: {string.Join(", ", result.Extras.Keys)}).");
        if (!DivideByTotal) return map.alias();
        using Tensor total = map.sum(Enumerable.Range(1, (int)map.Dimensions - 1).Select(d => (long)d).ToArray(), keepdim: true);
        return Stabilizer.SafeDivide(map, total);
    }

    /// <summary>The registry call, e.g. "gradcam gradients=positive".</summary>
    public string Configuration =>
        Options.Count == 0 ? Method : $"{Method} {string.Join(" ", Options.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key}={kv.Value}"))}";
}
