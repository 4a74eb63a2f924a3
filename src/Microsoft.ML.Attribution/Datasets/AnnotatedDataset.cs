namespace Microsoft.ML.Attribution.Datasets;

/// <summary>Images with ground truth, and the dataset's class names in their standard order (class index = position).</summary>
public sealed record AnnotatedDataset(IReadOnlyList<string> ClassNames, IReadOnlyList<AnnotatedImage> Images)
{
    public int ClassIndex(string className)
    {
        for (int i = 0; i < ClassNames.Count; i++)
            if (string.Equals(ClassNames[i], className, StringComparison.Ordinal)) return i;
        throw new ArgumentException($"'{className}' is not one of the dataset's {ClassNames.Count} classes.", nameof(className));
    }
}
