namespace Microsoft.ML.Attribution.Metrics;

/// <summary>
/// One configuration's class sensitivity over a batch: the similarity of each image's top-1-class map and contrast-class
/// map, and its mean over the images (NaN entries skipped). High similarity = the maps ignore the class.
/// </summary>
/// <param name="Variant">The configuration's name.</param>
/// <param name="Mean">Each measure averaged over the images where it is defined.</param>
/// <param name="PerImage">One entry per image, in batch order.</param>
/// <param name="TopClasses">The top-1 class of each image.</param>
/// <param name="ContrastClasses">The class contrasted with it.</param>
public sealed record ClassSensitivityResult(
    string Variant,
    SimilarityScores Mean,
    IReadOnlyList<SimilarityScores> PerImage,
    IReadOnlyList<long> TopClasses,
    IReadOnlyList<long> ContrastClasses);
