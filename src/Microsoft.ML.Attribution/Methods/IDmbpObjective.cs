using Microsoft.ML.Attribution.Tensors;
using static TorchSharp.torch;

namespace Microsoft.ML.Attribution.Methods;

/// <summary>
/// The loss DMBP minimizes over its two mask sets. The published objective could not be retrieved (methods.md §1.4),
/// so it is a pluggable piece: <see cref="ReconstructedDmbpObjective"/> is the default, and the official loss can be
/// dropped in by implementing this interface.
/// </summary>
public interface IDmbpObjective
{
    /// <summary>Short name for reports.</summary>
    string Name { get; }

    /// <summary>
    /// The loss of each row, shape [N]. Build it from differentiable ops on the tensors of <paramref name="input"/>:
    /// autograd takes its gradient with respect to the mask logits (rows are optimized independently).
    /// </summary>
    Tensor Loss(DmbpObjectiveInput input);
}
