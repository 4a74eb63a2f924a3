using TorchSharp;
using static TorchSharp.torch;
using Microsoft.ML.Attribution.Tensors;

namespace Microsoft.ML.Attribution.Graph;

/// <summary>A graph input: its name, its per-sample shape (batch excluded; −1 where unknown) and element type.</summary>
public sealed record GraphInput(string Name, long[] Shape, ScalarType DType)
{
    public override string ToString() => $"{Name} [N,{string.Join(",", Shape.Select(d => d < 0 ? "?" : d.ToString()))}] {DType.ToString().ToLowerInvariant()}";
}
