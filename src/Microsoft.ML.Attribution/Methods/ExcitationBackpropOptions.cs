namespace Microsoft.ML.Attribution.Methods;

/// <summary>Options of <see cref="ExcitationBackprop"/>.</summary>
public sealed record ExcitationBackpropOptions : MethodOptions
{
    /// <summary>
    /// The layer whose output the winning probabilities are read at (TorchRay's benchmark: VGG16 pool4, ResNet50
    /// layer3); null reads them at the input.
    /// </summary>
    public string? Layer { get; init; }

    /// <summary>
    /// How the recorded forward computes convolutions. Null (default): Winograd's kernels where every rule tolerates their
    /// rounding (ReLU networks: the rules hand probability in proportion to each unit's value, so a ReLU gate flipped at a
    /// near-zero unit moves little; on the tested models the maps equal the exact recording's within 10⁻⁵ of their
    /// range), libtorch's exact ones otherwise; Exact or Winograd to choose.
    /// </summary>
    public Graph.RecordedConvolutions? Convolutions { get; init; }
}
