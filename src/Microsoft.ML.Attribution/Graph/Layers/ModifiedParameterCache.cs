using static TorchSharp.torch;

namespace Microsoft.ML.Attribution.Graph.Layers;

/// <summary>
/// A layer's parameters as each <see cref="WeightModifier"/> changes them (W⁺, W⁻, ones, …), with whatever the layer derives from a
/// modified weight (a convolution's input-gradient kernels), made the first time a rule asks and kept: LRP-type rules run the same
/// few modifiers on every pass, and remaking them copied every weight twice per layer per pass.
/// </summary>
internal sealed class ModifiedParameterCache : IDisposable
{
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    private sealed class Entry
    {
        public readonly DerivedTensorCache Weight = new(), Bias = new(), Derived = new();
    }

    /// <summary>m(<paramref name="weight"/>), kept under the modifier's key.</summary>
    public Tensor Weight(WeightModifier modifier, Tensor weight) => For(modifier).Weight.GetOrMake(() => modifier.Apply(weight))!;

    /// <summary>m(<paramref name="bias"/>), kept under the modifier's key.</summary>
    public Tensor Bias(WeightModifier modifier, Tensor bias) => For(modifier).Bias.GetOrMake(() => modifier.Apply(bias))!;

    /// <summary>What <paramref name="derive"/> makes from the modified weight (null allowed), kept under the modifier's key.</summary>
    public Tensor? Derived(WeightModifier modifier, Tensor weight, Func<Tensor, Tensor?> derive)
    {
        Tensor modified = Weight(modifier, weight);
        return For(modifier).Derived.GetOrMake(() => derive(modified));
    }

    /// <summary>Forgets everything (the parameters changed, or the layer goes away).</summary>
    public void Clear()
    {
        lock (_entries)
        {
            foreach (Entry entry in _entries.Values)
            {
                entry.Weight.Dispose();
                entry.Bias.Dispose();
                entry.Derived.Dispose();
            }
            _entries.Clear();
        }
    }

    public void Dispose() => Clear();

    private Entry For(WeightModifier modifier)
    {
        lock (_entries)
        {
            if (!_entries.TryGetValue(modifier.Key, out Entry? entry)) _entries[modifier.Key] = entry = new Entry();
            return entry;
        }
    }
}
