namespace Microsoft.ML.Attribution.Methods;

/// <summary>Options of <see cref="Occlusion"/> (Zeiler &amp; Fergus 2014, with Captum's window placement and averaging).</summary>
public sealed record OcclusionOptions : MethodOptions
{
    public int WindowHeight { get; init; } = 15;

    public int WindowWidth { get; init; } = 15;

    /// <summary>Vertical step between windows; at most the window height, so every pixel is covered.</summary>
    public int StrideHeight { get; init; } = 8;

    public int StrideWidth { get; init; } = 8;

    /// <summary>The value an occluded pixel takes in every channel (in the model's input space).</summary>
    public double Baseline { get; init; }

    /// <summary>One occlusion value per channel (e.g. the normalized mean colour); overrides <see cref="Baseline"/>.</summary>
    public double[]? ChannelBaseline { get; init; }

    /// <summary>
    /// Recompute only what each window reaches (<see cref="Graph.PatchedForward"/>): the same scores as full forwards up to
    /// float rounding, several times faster on networks whose early layers dominate (VGG). False runs every occluded copy in full.
    /// </summary>
    public bool Incremental { get; init; } = true;

    /// <summary>The score whose drop is measured: the target logit (Captum's default) or its probability.</summary>
    public PerturbationScore Score { get; init; } = PerturbationScore.Logit;
}
