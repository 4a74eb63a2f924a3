namespace Microsoft.ML.Attribution.Methods;

/// <summary>Options of <see cref="ExcitationBackprop"/>.</summary>
public sealed record ExcitationBackpropOptions : MethodOptions
{
    /// <summary>
    /// The layer whose output the winning probabilities are read at (TorchRay's benchmark: VGG16 pool4, ResNet50
    /// layer3); null reads them at the input.
    /// </summary>
    public string? Layer { get; init; }

}
