namespace Microsoft.ML.Attribution.Graph;

/// <summary>How a recorded forward (<see cref="Network.Record(Torch.torch.Tensor, RecordedConvolutions)"/>) computes its convolutions.</summary>
public enum RecordedConvolutions
{
    /// <summary>libtorch's direct kernels: every ReLU gate, max-pool winner and threshold is decided on exact float32 values.</summary>
    Exact,

    /// <summary>
    /// oneDNN's Winograd kernels for the layers that qualify (3×3, stride 1, one group, channel counts dividing by 16,
    /// float32 CPU) while <see cref="Network.WinogradGradients"/> is on: about 2× faster, ~3·10⁻⁶ relative rounding per
    /// layer. For rules whose results move with the values only by as much (LRP-z⁺, αβ, flat; see
    /// <see cref="Rules.IRule.ToleratesRoundedForward"/>); a gradient's ReLU gates would flip at near-zero units. The
    /// recorded logits are rounded too: a top-1 target picked from them can differ from the exact forward's on a near-tie.
    /// </summary>
    Winograd,
}
