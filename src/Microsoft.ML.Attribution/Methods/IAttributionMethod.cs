using Microsoft.ML.Attribution.Graph;
using Microsoft.ML.Attribution.Tensors;
using static TorchSharp.torch;

namespace Microsoft.ML.Attribution.Methods;

/// <summary>One attribution method bound to a network: one verb, Captum-style.</summary>
public interface IAttributionMethod : IDisposable
{
    /// <summary>Canonical kebab-case name (CLI and registry), e.g. "integrated-gradients".</summary>
    string Name { get; }

    Network Network { get; }

    /// <summary>Explains <paramref name="target"/> (default: each row's top prediction) for a batch [N, C, H, W].</summary>
    AttributionMap Attribute(Tensor input, Target? target = null, CancellationToken cancellation = default);
}
