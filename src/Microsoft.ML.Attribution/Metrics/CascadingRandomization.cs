using Microsoft.ML.Attribution.Graph;
using Microsoft.ML.Attribution.Graph.Layers;
using Microsoft.ML.Attribution.Methods;
using TorchSharp;
using Microsoft.ML.Attribution.Tensors;
using static TorchSharp.torch;

namespace Microsoft.ML.Attribution.Metrics;

/// <summary>
/// Cascading model-parameter randomization (Adebayo et al. 2018) as PathwayGrad's sanity checks run it (methods.md
/// §4.3): on a clone of the network, re-initialize block after block from the output towards the input with seeded
/// N(0, σ²) weights and biases; after each block, explain the current model's top-1 class and compare every image's
/// map with the original model's by Spearman (signed, absolute), SSIM and HOG-Pearson, each map divided by its max
/// |value|. The network passed in is never modified. Batched: each step is one attribution call for all images.
/// </summary>
public static class CascadingRandomization
{
    /// <summary>
    /// Every convolution and dense layer a block of its own, ordered from the output to the input. A batch norm joins
    /// the block of the convolution that feeds it (they form one unit); one without such a producer is its own block.
    /// </summary>
    public static IReadOnlyList<IReadOnlyList<string>> DefaultBlocks(Network network)
    {
        ArgumentNullException.ThrowIfNull(network);
        var blocks = new List<List<string>>();
        var blockOf = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (Layer layer in network.Layers.Where(l => l.ParameterCount > 0))
        {
            if (layer is BatchNorm && network.ProducerOf(layer.Inputs[0]) is { } producer && blockOf.TryGetValue(producer.Name, out var owner))
            {
                owner.Add(layer.Name);
                continue;
            }
            if (layer is not (Conv2d or Linear or BatchNorm)) continue;
            var block = new List<string> { layer.Name };
            blocks.Add(block);
            blockOf[layer.Name] = block;
        }
        blocks.Reverse();
        return blocks;
    }

    /// <summary>The curve of one study configuration.</summary>
    public static RandomizationCurve Run(Network network, Tensor inputs, StudyVariant variant, CascadingRandomizationOptions? options = null,
        CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(variant);
        return Run(network, inputs, variant.Name, variant.Create, variant.MapOf, options, cancellation);
    }

    /// <summary>
    /// The curve of any method: <paramref name="createMethod"/> binds it to the (progressively randomized) clone at every
    /// step; <paramref name="selectMap"/> makes the compared map from a result (a new tensor, disposed here; default: the map itself).
    /// </summary>
    public static RandomizationCurve Run(Network network, Tensor inputs, string name, Func<Network, IAttributionMethod> createMethod,
        Func<AttributionMap, Tensor>? selectMap = null, CascadingRandomizationOptions? options = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(createMethod);
        options ??= new CascadingRandomizationOptions();
        selectMap ??= result => result.Map.alias();
        IReadOnlyList<IReadOnlyList<string>> blocks = options.Blocks ?? DefaultBlocks(network);
        Validate(network, blocks);

        using Network model = network.Clone();
        var (reference, originalTargets) = Maps(model, inputs, createMethod, selectMap, Target.TopPrediction, options, cancellation);
        Target target = options.ReevaluateTarget ? Target.TopPrediction : Target.PerRow(originalTargets);
        var steps = new List<RandomizationStep> { Step(0, [], reference, reference, originalTargets, options) };
        for (int b = 0; b < blocks.Count; b++)
        {
            cancellation.ThrowIfCancellationRequested();
            foreach (string layer in blocks[b])
                model.ReinitializeParameters(layer, options.Sigma, options.Seed + network.IndexOf(layer), options.BiasesToo);
            var (maps, targets) = Maps(model, inputs, createMethod, selectMap, target, options, cancellation);
            steps.Add(Step(b + 1, blocks[b], reference, maps, targets, options));
        }
        return new RandomizationCurve(name, steps);
    }

    private static RandomizationStep Step(int index, IReadOnlyList<string> layers, Map2D[] reference, Map2D[] maps, long[] targets,
        CascadingRandomizationOptions options)
    {
        SimilarityScores[] perImage = reference.Zip(maps, (a, b) => MapSimilarity.Compare(a, b, options.Similarity)).ToArray();
        return new RandomizationStep(index, layers.ToArray(), SimilarityScores.Mean(perImage), perImage, targets);
    }

    private static (Map2D[] maps, long[] targets) Maps(Network model, Tensor inputs, Func<Network, IAttributionMethod> createMethod,
        Func<AttributionMap, Tensor> selectMap, Target target, CascadingRandomizationOptions options, CancellationToken cancellation)
    {
        using DisposeScope scope = NewDisposeScope();
        using IAttributionMethod method = createMethod(model);
        using AttributionMap result = method.Attribute(inputs, target, cancellation);
        using Tensor map = selectMap(result);
        return (ClassSensitivityStudy.SingleChannelRows(map, options.Reduction), result.Targets);
    }

    private static void Validate(Network network, IReadOnlyList<IReadOnlyList<string>> blocks)
    {
        if (blocks.Count == 0) throw new ArgumentException("Cascading randomization needs at least one block of layers.");
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (string layer in blocks.SelectMany(b => b))
        {
            if (!network.Contains(layer)) throw new ArgumentException($"No layer named '{layer}' to randomize.");
            if (network[layer].ParameterCount == 0) throw new ArgumentException($"Layer '{layer}' ({network[layer].Kind}) has no parameters to randomize.");
            if (!seen.Add(layer)) throw new ArgumentException($"Layer '{layer}' appears in more than one block.");
        }
    }
}
