using Microsoft.ML.Attribution.Graph;
using Microsoft.ML.Attribution.Graph.Layers;
using Microsoft.ML.Attribution.Rules;

namespace Microsoft.ML.Attribution.Composites;

/// <summary>
/// Which rule goes on which layer (Zennit's composites): a list of (layer predicate → rule) tried in order, an
/// optional rule for the first affine layer (the one reading the input), and per-name overrides. Layers nothing
/// matches use the plain gradient.
/// </summary>
public sealed class Composite
{
    private readonly IReadOnlyList<(Func<Layer, bool> match, IRule rule)> _map;
    private readonly IRule? _firstLayer;
    private readonly IReadOnlyDictionary<string, IRule> _byName;

    public Composite(string name, IReadOnlyList<(Func<Layer, bool> match, IRule rule)> map, IRule? firstLayer = null,
        IReadOnlyDictionary<string, IRule>? byName = null)
    {
        Name = name;
        _map = map;
        _firstLayer = firstLayer;
        _byName = byName ?? new Dictionary<string, IRule>();
    }

    public string Name { get; }

    /// <summary>The rule for each layer of <paramref name="network"/>.</summary>
    public Func<Layer, IRule> For(Network network)
    {
        Layer? first = _firstLayer is null ? null : network.Layers.FirstOrDefault(l => l is Conv2d or Linear);
        return layer =>
        {
            if (_byName.TryGetValue(layer.Name, out IRule? named)) return named;
            if (first != null && ReferenceEquals(layer, first)) return _firstLayer!;
            foreach (var (match, rule) in _map)
                if (match(layer)) return rule;
            return GradientRule.Instance;
        };
    }

    /// <summary>This composite with the given rules on the named layers.</summary>
    public Composite WithLayerRules(IReadOnlyDictionary<string, IRule> byName) =>
        new(Name, _map, _firstLayer, _byName.Concat(byName).GroupBy(kv => kv.Key).ToDictionary(g => g.Key, g => g.Last().Value));

    /// <summary>This composite with a special rule for the first affine layer.</summary>
    public Composite WithFirstLayer(IRule rule) => new(Name, _map, rule, _byName);

    /// <summary>Matches layers of type <typeparamref name="T"/>.</summary>
    public static Func<Layer, bool> Is<T>() where T : Layer => layer => layer is T;

    /// <summary>Element-wise activations: relevance passes through.</summary>
    public static bool IsActivation(Layer layer) => layer is Relu or LeakyRelu or Clip or Sigmoid;

    /// <summary>Average pools, residual sums and x∘constant steps: the z-rule through the layer's gradient.</summary>
    public static bool IsNormLayer(Layer layer) => layer is AvgPool2d or AdaptiveAvgPool2d or Arithmetic;
}
