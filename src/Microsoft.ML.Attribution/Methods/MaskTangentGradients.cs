using Microsoft.ML.Attribution.Graph;
using Microsoft.ML.Attribution.Rules;
using Microsoft.ML.Attribution.Tensors;
using static TorchSharp.torch;

namespace Microsoft.ML.Attribution.Methods;

/// <summary>
/// DMBP's adjoint mask gradients (<see cref="DmbpMaskGradients.Adjoint"/>). With B(x, m) the masked backward and v = x ⊙ ∂L/∂A,
/// ∂⟨v, B⟩/∂m_l[c] = Σ_positions (J_{below l} v)[c] · u_l[c], where J_{below l} v is the forward tangent of v from the input to
/// layer l's output through the recorded (frozen) network with the lower masks applied, and u_l the gradient that reached
/// layer l in the backward before its mask. One forward-mode pass gives every masked layer's gradient at once.
/// </summary>
internal static class MaskTangentGradients
{
    /// <summary>
    /// Σ over positions of (the forward tangent at each masked layer's output) × (that layer's unmasked incoming gradient), [2N, C]
    /// per masked layer; the tangent is masked as it passes a masked layer, as the backward is. Null if a layer cannot do it.
    /// </summary>
    public static Tensor[]? Compute(Network network, Tape tape, IReadOnlyList<string> maskedLayers, Tensor inputTangent, Tensor[] masks,
        IReadOnlyDictionary<string, Tensor> unmasked)
    {
        var maskIndex = maskedLayers.Select((name, l) => (name, l)).ToDictionary(p => p.name, p => p.l);
        int last = Enumerable.Range(0, network.Layers.Count).Last(i => maskIndex.ContainsKey(network.Layers[i].Name));
        // A tangent is freed after its last consumer: holding all of them would cost a second copy of the activations.
        var lastUse = new Dictionary<string, int>();
        for (int i = 0; i <= last; i++)
            foreach (string name in network.Layers[i].Inputs) lastUse[name] = i;
        var result = new Tensor[masks.Length];
        string input = network.InputNames[0];
        var tangents = new Dictionary<string, Tensor?> { [input] = inputTangent };
        for (int i = 0; i <= last; i++)
        {
            Layer layer = network.Layers[i];
            Tensor?[] inputs = layer.Inputs.Select(n => tangents.GetValueOrDefault(n)).ToArray();
            Tensor? tangent;
            using (NewDisposeScope())
            {
                tangent = inputs.All(t => t is null) ? null : layer.ForwardTangent(tape[i], inputs);
                if (tangent is null && inputs.Any(t => t is not null)) return null;
                if (tangent is not null && maskIndex.TryGetValue(layer.Name, out int l) && unmasked.TryGetValue(layer.Name, out Tensor? gradient))
                {
                    long[] positions = Enumerable.Range(2, (int)tangent.Dimensions - 2).Select(d => (long)d).ToArray();
                    result[l] = (positions.Length == 0 ? tangent * gradient : (tangent * gradient).sum(positions)).MoveToOuterDisposeScope();
                    tangent = ChannelMaskRule.ScaleChannels(tangent, masks[l]); // masked as the backward masks the gradient
                }
                tangent?.MoveToOuterDisposeScope();
            }
            foreach (string name in layer.Inputs.Distinct())
                if (lastUse[name] == i && name != input && tangents.Remove(name, out Tensor? used) && !ReferenceEquals(used, tangent))
                    used?.Dispose();
            tangents[layer.Output] = tangent;
        }
        for (int l = 0; l < result.Length; l++) result[l] ??= zeros_like(masks[l]);
        return result;
    }
}
