using Microsoft.ML.Attribution.Tensors;
using static TorchSharp.torch;

namespace Microsoft.ML.Attribution.Rules;

/// <summary>What a backward pass produced: the relevance at the input and at the captured values. Dispose it.</summary>
public sealed class BackwardResult(Tensor? input, IReadOnlyDictionary<string, Tensor> captured) : IDisposable
{
    /// <summary>Relevance (or gradient) at the network input; null when the pass stopped early.</summary>
    public Tensor? Input { get; } = input;

    public IReadOnlyDictionary<string, Tensor> Captured { get; } = captured;

    public void Dispose()
    {
        Input?.Dispose();
        foreach (Tensor t in Captured.Values) t.Dispose();
    }
}
