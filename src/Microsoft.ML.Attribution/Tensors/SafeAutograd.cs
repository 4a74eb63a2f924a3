using TorchSharp;
using Microsoft.ML.Attribution.Tensors;
using static TorchSharp.torch;

namespace Microsoft.ML.Attribution.Tensors;

/// <summary>
/// torch.autograd.grad with every precondition checked in managed code first: TorchSharp's native glue has no
/// try/catch around it, so an output without grad, an input that does not require grad, a missing or misshapen
/// seed or an unused input ends the process instead of throwing.
/// </summary>
public static class SafeAutograd
{
    /// <summary>
    /// Σ_o gradOutputs[o]·∂outputs[o]/∂inputs[i] for each input; an input the outputs do not reach gets zeros. With
    /// <paramref name="allowUnused"/>, outputs that need no grad at all count as constants (zero gradients) rather than an error.
    /// Without <paramref name="gradOutputs"/>, every output must have one element (its seed is 1).
    /// </summary>
    public static Tensor[] Grad(IReadOnlyList<Tensor> outputs, IReadOnlyList<Tensor> inputs, IReadOnlyList<Tensor>? gradOutputs = null,
        bool retainGraph = false, bool createGraph = false, bool allowUnused = false)
    {
        ArgumentNullException.ThrowIfNull(outputs);
        ArgumentNullException.ThrowIfNull(inputs);
        if (inputs.Count == 0) return [];
        if (gradOutputs is not null && gradOutputs.Count != outputs.Count)
            throw new ArgumentException($"{gradOutputs.Count} output gradients were given for {outputs.Count} outputs.", nameof(gradOutputs));
        for (int i = 0; i < inputs.Count; i++)
        {
            Tensor input = inputs[i] ?? throw new ArgumentNullException(nameof(inputs), $"Input {i} is null.");
            if (input.IsInvalid) throw new ArgumentException($"Input {i} is a disposed tensor.", nameof(inputs));
            if (!input.requires_grad)
                throw new ArgumentException($"Input {i} {input.Describe()} does not require grad: nothing can be differentiated with respect to it.", nameof(inputs));
        }
        var kept = new List<Tensor>();
        var seeds = new List<Tensor>();
        for (int o = 0; o < outputs.Count; o++)
        {
            Tensor output = outputs[o] ?? throw new ArgumentNullException(nameof(outputs), $"Output {o} is null.");
            if (output.IsInvalid) throw new ArgumentException($"Output {o} is a disposed tensor.", nameof(outputs));
            Tensor? seed = gradOutputs?[o];
            if (gradOutputs is not null)
            {
                if (seed is null || seed.IsInvalid) throw new ArgumentException($"The gradient of output {o} is null or disposed.", nameof(gradOutputs));
                if (!seed.shape.SequenceEqual(output.shape) || seed.dtype != output.dtype || seed.device_type != output.device_type)
                    throw new ArgumentException($"The gradient of output {o} is {seed.Describe()}, the output is {output.Describe()}: they must match.", nameof(gradOutputs));
            }
            else if (output.numel() != 1)
                throw new ArgumentException($"Output {o} {output.Describe()} is not a scalar: give its gradient.", nameof(gradOutputs));
            if (!output.requires_grad)
            {
                if (!allowUnused)
                    throw new InvalidOperationException($"Output {o} {output.Describe()} does not depend on anything that requires grad.");
                continue;
            }
            kept.Add(output);
            if (seed is not null) seeds.Add(seed);
        }

        using DisposeScope scope = NewDisposeScope();
        // A zero-weight term that touches every input: its gradient is exactly 0, so an input the outputs do not
        // reach gets zeros (its true gradient) and libtorch never sees an unused input, which it reports by aborting.
        Tensor touch = inputs.Select(input => input.sum().Times(0.0)).Aggregate((a, b) => a.Plus(b));
        kept.Add(touch);
        if (gradOutputs is not null) seeds.Add(ones_like(touch));
        IList<Tensor> grads;
        using (Runtime.OneDnnSwitch.Disabled()) // libtorch's oneDNN convolution backward is wrong for few-channel float32 convolutions
            grads = torch.autograd.grad(kept, inputs.ToList(), gradOutputs is null ? null : seeds, retainGraph, createGraph);
        var result = new Tensor[grads.Count];
        for (int i = 0; i < result.Length; i++)
        {
            if (grads[i] is null || grads[i].IsInvalid)
                throw new InvalidOperationException($"Input {i} is not reached from the outputs.");
            result[i] = grads[i].MoveToOuterDisposeScope();
        }
        return result;
    }
}
