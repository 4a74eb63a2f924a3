using Microsoft.ML.Attribution.Tensors;
using static TorchSharp.torch;

namespace Microsoft.ML.Attribution.Methods;

/// <summary>Options of <see cref="SmoothGrad"/>.</summary>
public sealed record SmoothGradOptions : MethodOptions
{
    /// <summary>Noisy copies per image.</summary>
    public int Samples { get; init; } = 50;

    /// <summary>σ relative to each image's value range: σ = NoiseLevel · (max x − min x).</summary>
    public double NoiseLevel { get; init; } = 0.15;

    /// <summary>An absolute σ for every image (overrides <see cref="NoiseLevel"/>).</summary>
    public double? Sigma { get; init; }

    public NoiseAggregation Aggregation { get; init; } = NoiseAggregation.SmoothGrad;

    /// <summary>Seed of the noise generator.</summary>
    public long Seed { get; init; }

    /// <summary>Exact noise to add, [N·Samples, C, H, W] with row i·Samples + k for image i, sample k (reproduces another library's run).</summary>
    public Tensor? Noise { get; init; }

    /// <summary>The wrapped method's registry name (used when created by name).</summary>
    public string Method { get; init; } = "gradient";
}
