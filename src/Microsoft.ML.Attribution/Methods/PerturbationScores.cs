using Microsoft.ML.Attribution.Graph;
using Microsoft.ML.Attribution.Tensors;
using static TorchSharp.torch;

namespace Microsoft.ML.Attribution.Methods;

/// <summary>The watched score of each row's target for a batch of (perturbed) inputs.</summary>
internal static class PerturbationScores
{
    /// <summary>[B] scores of <paramref name="targets"/>[b] (int64 [B]) for each row of <paramref name="batch"/>.</summary>
    public static Tensor Of(Network network, Tensor batch, Tensor targets, PerturbationScore kind)
    {
        using Tensor logits = network.ForwardLogits(batch);
        return FromLogits(logits, targets, kind);
    }

    public static Tensor FromLogits(Tensor logits, Tensor targets, PerturbationScore kind)
    {
        using var scope = NewDisposeScope();
        // Fully-convolutional scores are summed over positions, as AttributionMethod.ResolveTargets reports them.
        Tensor classes = logits.Dimensions > 2 ? logits.flatten(2).sum(2) : logits;
        Tensor scores = kind switch
        {
            PerturbationScore.Probability => classes.softmax(1),
            PerturbationScore.Sigmoid => classes.sigmoid(),
            _ => classes,
        };
        return scores.gather(1, targets.reshape(-1, 1)).flatten().MoveToOuterDisposeScope();
    }
}
