namespace Microsoft.ML.Attribution.Datasets;

/// <summary>
/// An image file and its ground-truth objects. <see cref="Width"/> and <see cref="Height"/> are the original image size
/// as the annotation states it, or 0 when the annotation does not state it (a CSV without size columns).
/// </summary>
public sealed record AnnotatedImage(string Path, int Width, int Height, IReadOnlyList<GroundTruthObject> Objects)
{
    /// <summary>The file name without folder and extension: VOC's image id, and the key of TorchRay's difficult-pair lists.</summary>
    public string Name => System.IO.Path.GetFileNameWithoutExtension(Path);

    /// <summary>The class to explain for this image as the dataset writes it (a class name or index), when it names one (a CSV's <c>target</c> column).</summary>
    public string? Target { get; init; }

    public bool HasKnownSize => Width > 0 && Height > 0;

    /// <summary>The distinct classes present, in order of first appearance: the pairs the pointing game evaluates.</summary>
    public IReadOnlyList<string> ClassesPresent => Objects.Select(o => o.ClassName).Distinct(StringComparer.Ordinal).ToList();

    public IEnumerable<GroundTruthObject> ObjectsOf(string className) =>
        Objects.Where(o => string.Equals(o.ClassName, className, StringComparison.Ordinal));
}
