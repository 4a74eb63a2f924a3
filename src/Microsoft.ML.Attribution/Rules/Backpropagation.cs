using Microsoft.ML.Attribution.Graph;
using TorchSharp;
using Microsoft.ML.Attribution.Tensors;
using static TorchSharp.torch;

namespace Microsoft.ML.Attribution.Rules;

/// <summary>
/// Walks a recorded network backwards from a seed at the logits, applying one rule per layer. Relevance reaching a
/// value from several consumers (a residual fork) is summed. Only input gradients are computed — never weight gradients.
/// </summary>
public static class Backpropagation
{
    /// <summary>
    /// Propagates <paramref name="seed"/> (shaped like the logits) to the input. Values named in
    /// <paramref name="capture"/> have their incoming relevance kept and returned (dispose them).
    /// Stops early at <paramref name="stopAt"/> (a value name) when given; the input relevance is then null.
    /// <paramref name="adjust"/> sees each value's complete relevance before it is captured or propagated further and may
    /// return a replacement (which the walk then owns), or null to keep it — contrastive methods subtract a second pass there.
    /// </summary>
    public static BackwardResult Run(Tape tape, Tensor seed, Func<Layer, IRule> ruleFor, IReadOnlyCollection<string>? capture = null,
        string? stopAt = null, CancellationToken cancellation = default, Func<string, Tensor, Tensor?>? adjust = null)
    {
        Tensor logits = tape.Logits;
        if (!seed.shape.SequenceEqual(logits.shape))
            throw new ArgumentException($"The seed must have the logits' shape [{string.Join(",", logits.shape)}], got [{string.Join(",", seed.shape)}].", nameof(seed));
        return Walk(tape, tape.Network.LogitsName, seed, ruleFor, capture, stopAt, cancellation, adjust);
    }

    /// <summary>
    /// Propagates <paramref name="relevance"/> injected at the intermediate value <paramref name="value"/> (shaped like
    /// it) down to the input; layers after that value take no part. Methods that start inside the network use it
    /// (RSP starts at the last convolutional block). Capture and stop work as in <see cref="Run"/>.
    /// </summary>
    public static BackwardResult RunFrom(Tape tape, string value, Tensor relevance, Func<Layer, IRule> ruleFor,
        IReadOnlyCollection<string>? capture = null, string? stopAt = null, CancellationToken cancellation = default,
        Func<string, Tensor, Tensor?>? adjust = null)
    {
        if (tape.Network.IsConstant(value))
            throw new ArgumentException($"'{value}' is a constant of the network; relevance can only start at a computed value.", nameof(value));
        Tensor at = tape.Value(value);
        if (!relevance.shape.SequenceEqual(at.shape))
            throw new ArgumentException($"The relevance must have the shape of '{value}' [{string.Join(",", at.shape)}], got [{string.Join(",", relevance.shape)}].", nameof(relevance));
        return Walk(tape, value, relevance, ruleFor, capture, stopAt, cancellation, adjust);
    }

    private static BackwardResult Walk(Tape tape, string startValue, Tensor relevanceAtStart, Func<Layer, IRule> ruleFor,
        IReadOnlyCollection<string>? capture, string? stopAt, CancellationToken cancellation, Func<string, Tensor, Tensor?>? adjust)
    {
        Network network = tape.Network;
        var pending = new Dictionary<string, Tensor> { [startValue] = relevanceAtStart.alias() };
        var captured = new Dictionary<string, Tensor>();
        try
        {
            int start = network.ProducerOf(startValue) is { } producer ? network.IndexOf(producer.Name) : -1;
            for (int i = start; i >= 0; i--)
            {
                cancellation.ThrowIfCancellationRequested();
                Layer layer = network.Layers[i];
                if (!pending.Remove(layer.Output, out Tensor? relevance)) continue;
                relevance = Adjusted(adjust, layer.Output, relevance);
                if (capture?.Contains(layer.Output) == true) captured[layer.Output] = relevance.alias().DetachFromDisposeScope();
                if (layer.Output == stopAt)
                {
                    relevance.Dispose();
                    return new BackwardResult(null, captured);
                }
                if (i < tape.FirstRecorded)
                {
                    relevance.Dispose(); // below a partial tape's cut (Network.RecordFrom) there are no traces: this path ends
                    continue;
                }
                IRule rule = ruleFor(layer);
                if (!rule.AppliesTo(layer))
                    throw new InvalidOperationException($"Rule '{rule.Name}' cannot be applied to layer '{layer.Name}' ({layer.Kind}).");
                Tensor[] incoming;
                LayerProfile.Mark started = LayerProfile.Now();
                using (relevance)
                    incoming = rule.Backward(tape[i], relevance);
                for (int k = 0; k < incoming.Length; k++)
                {
                    string name = layer.Inputs[k];
                    if (network.IsConstant(name))
                    {
                        incoming[k].Dispose();
                        continue;
                    }
                    Accumulate(pending, name, incoming[k]);
                }
                LayerProfile.Add(started, "backward", layer, rule.Name);
            }
            string input = network.InputNames[0];
            if (pending.Remove(input, out Tensor? beforeAdjust)) pending[input] = Adjusted(adjust, input, beforeAdjust);
            if (capture?.Contains(input) == true && pending.TryGetValue(input, out Tensor? atInput))
                captured[input] = atInput.alias().DetachFromDisposeScope();
            Tensor? result = pending.Remove(input, out Tensor? r) ? r : null;
            return new BackwardResult(result?.DetachFromDisposeScope() ?? zeros_like(tape.Input).DetachFromDisposeScope(), captured);
        }
        catch
        {
            foreach (Tensor t in captured.Values) t.Dispose();
            throw;
        }
        finally
        {
            foreach (Tensor t in pending.Values) t.Dispose();
        }
    }

    /// <summary>One-hot seeds: <paramref name="values"/>[n] at [n, targets[n]] (value 1 for gradients, the logit for LRP).</summary>
    public static Tensor OneHot(Tensor logits, long[] targets, Tensor? values = null)
    {
        using var scope = NewDisposeScope();
        Tensor index = tensor(targets).reshape(-1, 1);
        Tensor source = values?.reshape(-1, 1).to(logits.dtype) ?? ones([targets.Length, 1], logits.dtype);
        return zeros_like(logits).scatter(1, index, source).MoveToOuterDisposeScope();
    }

    private static Tensor Adjusted(Func<string, Tensor, Tensor?>? adjust, string name, Tensor relevance)
    {
        if (adjust?.Invoke(name, relevance) is not { } replaced) return relevance;
        relevance.Dispose();
        return replaced;
    }

    private static void Accumulate(Dictionary<string, Tensor> pending, string name, Tensor relevance)
    {
        if (pending.Remove(name, out Tensor? existing))
        {
            using (existing)
            using (relevance)
                pending[name] = existing.Plus(relevance);
        }
        else pending[name] = relevance;
    }
}
