namespace Microsoft.ML.Attribution.Metrics;

/// <summary>A method's cascading-randomization curve: step 0 (original) then one step per randomized block, output first.</summary>
public sealed record RandomizationCurve(string Method, IReadOnlyList<RandomizationStep> Steps)
{
    /// <summary>After randomizing the first block (the one nearest the output).</summary>
    public RandomizationStep AfterTopBlock => Steps.Count > 1 ? Steps[1] : throw new InvalidOperationException("The curve has no randomized step.");

    /// <summary>After randomizing every block.</summary>
    public RandomizationStep AfterAllBlocks => Steps.Count > 1 ? Steps[^1] : throw new InvalidOperationException("The curve has no randomized step.");
}
