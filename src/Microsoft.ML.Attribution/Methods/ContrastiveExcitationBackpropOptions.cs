namespace Microsoft.ML.Attribution.Methods;

/// <summary>Options of <see cref="ContrastiveExcitationBackprop"/> (layer names; methods.md §5.9 and §6.1).</summary>
public sealed record ContrastiveExcitationBackpropOptions : MethodOptions
{
    /// <summary>The layer whose output the map is read at (VGG16 pool4, ResNet50 layer3 in TorchRay's benchmark); null reads it at the input.</summary>
    public string? SaliencyLayer { get; init; }

    /// <summary>
    /// The layer at whose output the dual pass is subtracted (VGG16 relu7, ResNet50 avgpool); null takes the layer
    /// feeding the classifier.
    /// </summary>
    public string? ContrastLayer { get; init; }

    /// <summary>The last classifier layer whose weights the dual pass negates; null finds it (<see cref="Graph.Network.Classifier"/>).</summary>
    public string? ClassifierLayer { get; init; }

}
