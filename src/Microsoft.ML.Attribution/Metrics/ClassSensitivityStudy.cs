using Microsoft.ML.Attribution.Graph;
using Microsoft.ML.Attribution.Maps;
using Microsoft.ML.Attribution.Methods;
using TorchSharp;
using Microsoft.ML.Attribution.Tensors;
using static TorchSharp.torch;

namespace Microsoft.ML.Attribution.Metrics;

/// <summary>
/// The class-sensitivity sanity check of methods.md §4.3 run for study configurations: for every image, the map of its
/// top-1 class and of a contrasting class (the least likely by default), compared by Spearman (signed and absolute),
/// SSIM and HOG-Pearson after max-|value| normalization, averaged over the batch. Used for §8 claims 16–18: positive
/// aggregation/propagation should give high similarity, the plain gradient and CLRP low.
/// </summary>
public static class ClassSensitivityStudy
{
    /// <summary>The top-1 and contrast class of every row of <paramref name="inputs"/> [N, C, H, W].</summary>
    public static (long[] Top, long[] Contrast) ChooseClasses(Network network, Tensor inputs, ClassContrast contrast = ClassContrast.MinLogit, int seed = 0)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(inputs);
        using DisposeScope scope = NewDisposeScope();
        using IDisposable grad = no_grad();
        Tensor logits = network.ForwardLogits(inputs);
        if (logits.Dimensions != 2) throw new ArgumentException($"Class sensitivity needs class scores [N, K]; the network gives [{string.Join(", ", logits.shape)}].");
        int rows = (int)logits.shape[0], classes = (int)logits.shape[1];
        float[] values = logits.to(ScalarType.Float32).ToArray<float>();
        var top = new long[rows];
        var other = new long[rows];
        for (int i = 0; i < rows; i++)
            (top[i], other[i]) = ClassSensitivity.ChooseClasses(values.AsSpan(i * classes, classes), contrast, seed + i);
        return (top, other);
    }

    /// <summary>One configuration's class sensitivity on a batch (the method runs once per class choice, batched).</summary>
    public static ClassSensitivityResult Run(Network network, Tensor inputs, StudyVariant variant, ClassSensitivityStudyOptions? options = null,
        CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(variant);
        options ??= new ClassSensitivityStudyOptions();
        var (top, contrast) = ChooseClasses(network, inputs, options.Contrast, options.Seed);
        return Run(network, inputs, variant, top, contrast, options, cancellation);
    }

    /// <summary>Every configuration on the same batch and class choices, in order.</summary>
    public static IReadOnlyList<ClassSensitivityResult> Run(Network network, Tensor inputs, IEnumerable<StudyVariant> variants,
        ClassSensitivityStudyOptions? options = null, IProgress<string>? progress = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(variants);
        options ??= new ClassSensitivityStudyOptions();
        var (top, contrast) = ChooseClasses(network, inputs, options.Contrast, options.Seed);
        var results = new List<ClassSensitivityResult>();
        foreach (StudyVariant variant in variants)
        {
            cancellation.ThrowIfCancellationRequested();
            progress?.Report(variant.Name);
            results.Add(Run(network, inputs, variant, top, contrast, options, cancellation));
        }
        return results;
    }

    private static ClassSensitivityResult Run(Network network, Tensor inputs, StudyVariant variant, long[] top, long[] contrast,
        ClassSensitivityStudyOptions options, CancellationToken cancellation)
    {
        using DisposeScope scope = NewDisposeScope();
        using IAttributionMethod method = variant.Create(network);
        using AttributionMap topMaps = method.Attribute(inputs, Target.PerRow(top), cancellation);
        using AttributionMap contrastMaps = method.Attribute(inputs, Target.PerRow(contrast), cancellation);
        using Tensor topMap = variant.MapOf(topMaps), contrastMap = variant.MapOf(contrastMaps);
        Map2D[] a = SingleChannelRows(topMap, options.Reduction);
        Map2D[] b = SingleChannelRows(contrastMap, options.Reduction);
        SimilarityScores[] perImage = a.Zip(b, (x, y) => MapSimilarity.Compare(x, y, options.Similarity)).ToArray();
        return new ClassSensitivityResult(variant.Name, SimilarityScores.Mean(perImage), perImage, top, contrast);
    }

    /// <summary>[N, C, H, W] maps reduced over channels, one <see cref="Map2D"/> per row.</summary>
    internal static Map2D[] SingleChannelRows(Tensor maps, ChannelReduction reduction)
    {
        using DisposeScope scope = NewDisposeScope();
        Tensor reduced = maps.Dimensions == 4 ? MapReduction.Reduce(maps, reduction) : maps;
        if (reduced.Dimensions != 3) throw new ArgumentException($"Expected maps [N, C, H, W] or [N, H, W], got [{string.Join(", ", maps.shape)}].", nameof(maps));
        int rows = (int)reduced.shape[0], height = (int)reduced.shape[1], width = (int)reduced.shape[2];
        double[] values = reduced.to(ScalarType.Float64).contiguous().ToArray<double>();
        return Enumerable.Range(0, rows).Select(i => new Map2D(values.AsSpan(i * height * width, height * width).ToArray(), height, width)).ToArray();
    }
}
