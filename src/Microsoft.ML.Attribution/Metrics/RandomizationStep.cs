namespace Microsoft.ML.Attribution.Metrics;

/// <summary>
/// One point of a cascading-randomization curve: the layers randomized so far (cumulative) and how similar the maps of
/// the randomized model are to the original model's maps. Step 0 is the original model (similarity 1).
/// </summary>
/// <param name="Index">0 for the original model, then 1, 2, … one per block.</param>
/// <param name="Layers">The layers re-initialized at this step (earlier steps' layers stay randomized).</param>
/// <param name="Mean">Each measure averaged over the images where it is defined.</param>
/// <param name="PerImage">One entry per image, in batch order.</param>
/// <param name="Targets">The class explained per image at this step.</param>
public sealed record RandomizationStep(
    int Index,
    IReadOnlyList<string> Layers,
    SimilarityScores Mean,
    IReadOnlyList<SimilarityScores> PerImage,
    IReadOnlyList<long> Targets)
{
    /// <summary>"original" for step 0, otherwise the layers randomized at this step.</summary>
    public string Label => Layers.Count == 0 ? "original" : string.Join("+", Layers);
}
