using TorchSharp;
using Microsoft.ML.Attribution.Tensors;
using static TorchSharp.torch;

namespace Microsoft.ML.Attribution.Metrics;

/// <summary>
/// Class-sensitivity sanity check (methods.md §4.3): explain the top-1 (max-logit) class and a contrasting class
/// (min-logit, or a random other one) and measure how similar the two maps are. High similarity means the method
/// does not depend on the class it is asked to explain.
/// </summary>
public static class ClassSensitivity
{
    /// <summary>The top-1 class and the contrasting class from one image's logits (ties: the lowest index).</summary>
    public static (int TopClass, int ContrastClass) ChooseClasses(ReadOnlySpan<float> logits, ClassContrast contrast = ClassContrast.MinLogit, int seed = 0)
    {
        if (logits.Length < 2) throw new ArgumentException($"Class sensitivity needs at least two classes, got {logits.Length} logits.", nameof(logits));
        int top = 0, bottom = 0;
        for (int i = 0; i < logits.Length; i++)
        {
            if (float.IsNaN(logits[i])) throw new ArgumentException($"Logit {i} is NaN.", nameof(logits));
            if (logits[i] > logits[top]) top = i;
            if (logits[i] < logits[bottom]) bottom = i;
        }
        return contrast switch
        {
            ClassContrast.MinLogit when bottom != top => (top, bottom),
            ClassContrast.MinLogit => (top, top == 0 ? 1 : 0), // all logits equal: any other class is as "least likely"
            ClassContrast.RandomOther => (top, OtherClass(top, logits.Length, seed)),
            _ => throw new ArgumentOutOfRangeException(nameof(contrast), contrast, "Unknown contrast."),
        };
    }

    /// <summary>As <see cref="ChooseClasses(ReadOnlySpan{float}, ClassContrast, int)"/> for logits [K] or [1, K].</summary>
    public static (int TopClass, int ContrastClass) ChooseClasses(Tensor logits, ClassContrast contrast = ClassContrast.MinLogit, int seed = 0)
    {
        ArgumentNullException.ThrowIfNull(logits);
        if (!(logits.dim() == 1 || (logits.dim() == 2 && logits.shape[0] == 1)))
            throw new ArgumentException($"Expected the logits of one image, [K] or [1, K], got [{string.Join(", ", logits.shape)}].", nameof(logits));
        using DisposeScope scope = NewDisposeScope();
        float[] values = logits.to(float32).ToArray<float>();
        return ChooseClasses(values, contrast, seed);
    }

    /// <summary>Similarity of the top-class map and the contrast-class map (both [H, W]).</summary>
    public static SimilarityScores Compare(float[,] topClassMap, float[,] contrastClassMap, SimilarityOptions? options = null) =>
        MapSimilarity.Compare(topClassMap, contrastClassMap, options);

    /// <inheritdoc cref="Compare(float[,], float[,], SimilarityOptions?)"/>
    public static SimilarityScores Compare(Tensor topClassMap, Tensor contrastClassMap, SimilarityOptions? options = null) =>
        MapSimilarity.Compare(topClassMap, contrastClassMap, options);

    private static int OtherClass(int top, int classes, int seed)
    {
        int drawn = new Random(seed).Next(classes - 1);
        return drawn >= top ? drawn + 1 : drawn;
    }
}
