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

    /// <summary>
    /// How the recorded forward computes convolutions. Null (default): Winograd's kernels where every rule tolerates their
    /// rounding (ReLU networks: the rules hand probability in proportion to each unit's value, so a ReLU gate flipped at a
    /// near-zero unit moves little; on the tested models the maps equal the exact recording's within 10⁻⁵ of their
    /// range), libtorch's exact ones otherwise; Exact or Winograd to choose.
    /// </summary>
    public Graph.RecordedConvolutions? Convolutions { get; init; }
}
