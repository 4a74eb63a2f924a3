using Microsoft.ML.Attribution.Tensors;
using static TorchSharp.torch;

namespace Microsoft.ML.Attribution.Methods;

/// <summary>Options of <see cref="Rise"/> (defaults from Petsiuk et al. 2018).</summary>
public sealed record RiseOptions : MethodOptions
{
    /// <summary>N, the number of random masks.</summary>
    public int MaskCount { get; init; } = 4000;

    /// <summary>s, the cells per side of the low-resolution binary grid.</summary>
    public int GridSize { get; init; } = 7;

    /// <summary>p, the probability that a grid cell is kept (1); the saliency is divided by N·p.</summary>
    public double Probability { get; init; } = 0.5;

    /// <summary>Seed of the mask generator: the same seed gives the same masks, whatever the memory budget.</summary>
    public long Seed { get; init; }

    /// <summary>The score weighting each mask: the target's softmax probability (the paper's), logit or sigmoid.</summary>
    public PerturbationScore Score { get; init; } = PerturbationScore.Probability;

    /// <summary>
    /// Masks to use instead of generated ones, [M, 1, H, W] or [M, H, W] at the input resolution (the caller keeps
    /// ownership). <see cref="MaskCount"/> and <see cref="GridSize"/> are then ignored; <see cref="Probability"/> still normalizes.
    /// </summary>
    public Tensor? Masks { get; init; }
}
