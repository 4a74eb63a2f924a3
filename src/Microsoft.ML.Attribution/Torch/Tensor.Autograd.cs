using Microsoft.ML.Attribution.Torch.Native;

namespace Microsoft.ML.Attribution.Torch;

public static partial class torch
{
    public sealed partial class Tensor
    {
        public bool requires_grad => NativeMethods.MLATensor_requires_grad(Handle) != 0;

        public Tensor requires_grad_(bool value = true)
        {
            NativeResult.Check(NativeMethods.MLATensor_requires_grad_(Handle, value ? 1 : 0), "requires_grad_", this);
            return this;
        }

        public bool is_leaf => NativeMethods.MLATensor_is_leaf(Handle) != 0;

        /// <summary>The accumulated gradient (a new handle each call; dispose it), or null before any backward.</summary>
        public unsafe Tensor? grad
        {
            get
            {
                IntPtr output;
                NativeResult.Check(NativeMethods.MLATensor_grad(Handle, &output), "grad", this);
                return NativeResult.WrapOptional(output);
            }
        }

        public Tensor zero_grad()
        {
            NativeResult.Check(NativeMethods.MLATensor_zero_grad(Handle), "zero_grad", this);
            return this;
        }

        /// <summary>A tensor sharing storage with this one but cut from the autograd graph.</summary>
        public Tensor detach() => NativeResult.Wrap(NativeMethods.MLATensor_detach(Handle), "detach", this);

        /// <summary>Accumulates d(this)/d(leaf)·<paramref name="gradient"/> into every leaf's <see cref="grad"/>.</summary>
        public void backward(Tensor? gradient = null, bool retain_graph = false, bool create_graph = false) =>
            NativeResult.Check(NativeMethods.MLATensor_backward(Handle, gradient?.Handle ?? TensorHandle.Null, retain_graph ? 1 : 0, create_graph ? 1 : 0),
                "backward", this, gradient);
    }

    public static class autograd
    {
        /// <summary>
        /// Vector-Jacobian products Σ_o grad_outputs[o]·∂outputs[o]/∂inputs[i], without touching <c>.grad</c>.
        /// An input the outputs do not depend on yields null when <paramref name="allow_unused"/>.
        /// </summary>
        public static unsafe Tensor?[] grad(IReadOnlyList<Tensor> outputs, IReadOnlyList<Tensor> inputs, IReadOnlyList<Tensor?>? grad_outputs = null,
            bool retain_graph = false, bool create_graph = false, bool allow_unused = false)
        {
            ArgumentNullException.ThrowIfNull(outputs);
            ArgumentNullException.ThrowIfNull(inputs);
            if (grad_outputs is not null && grad_outputs.Count != outputs.Count)
                throw new ArgumentException($"grad_outputs has {grad_outputs.Count} entries for {outputs.Count} outputs.", nameof(grad_outputs));
            var outs = new IntPtr[outputs.Count];
            var ins = new IntPtr[inputs.Count];
            var seeds = new IntPtr[grad_outputs?.Count ?? 0];
            for (int i = 0; i < outs.Length; i++) outs[i] = outputs[i].Handle.DangerousGetHandle();
            for (int i = 0; i < ins.Length; i++) ins[i] = inputs[i].Handle.DangerousGetHandle();
            for (int i = 0; i < seeds.Length; i++) seeds[i] = grad_outputs![i]?.Handle.DangerousGetHandle() ?? IntPtr.Zero;
            var results = new IntPtr[ins.Length];
            int status;
            fixed (IntPtr* o = outs, n = ins, g = seeds, r = results)
                status = NativeMethods.MLAAutograd_grad(o, outs.Length, n, ins.Length, g, seeds.Length, retain_graph ? 1 : 0, create_graph ? 1 : 0,
                    allow_unused ? 1 : 0, r);
            GC.KeepAlive(outputs);
            GC.KeepAlive(inputs);
            GC.KeepAlive(grad_outputs);
            if (status < 0) throw NativeResult.Error("autograd.grad", outputs.Concat(inputs));
            return results.Select(NativeResult.WrapOptional).ToArray();
        }
    }
}
