using Microsoft.ML.Attribution.Graph;
using Microsoft.ML.Attribution.Metrics;
using TorchSharp;
using static TorchSharp.torch;

namespace Attribution.Cli.Evaluation;

/// <summary>Deletion and insertion AUC of one map (methods.md §6.3), at the model's input resolution, on the softmax probability of the explained class.</summary>
internal static class PerturbationAuc
{
    /// <param name="pixels">The model input [C, H, W] the map explains (row-major).</param>
    /// <param name="map">The reduced map [H, W].</param>
    /// <returns>The AUC of each curve asked for; null for one not asked for.</returns>
    public static (double? Deletion, double? Insertion) Compute(Network network, float[] pixels, float[] map, int height, int width, int target,
        bool deletion, bool insertion)
    {
        using DisposeScope scope = NewDisposeScope();
        Tensor input = tensor(pixels, [pixels.Length / (height * width), height, width]);
        Tensor saliency = tensor(map, [height, width]);
        Func<Tensor, Tensor> probability = batch => TargetProbability(network, batch, target);
        double? deleted = deletion ? DeletionInsertion.Deletion(probability, input, saliency).Auc : null;
        double? inserted = insertion ? DeletionInsertion.Insertion(probability, input, saliency).Auc : null;
        return (deleted, inserted);
    }

    private static Tensor TargetProbability(Network network, Tensor batch, int target)
    {
        using DisposeScope scope = NewDisposeScope();
        using IDisposable grad = no_grad();
        Tensor logits = network.ForwardLogits(batch);
        return logits.softmax(1).select(1, target).MoveToOuterDisposeScope();
    }
}
