using Microsoft.ML.Attribution.Graph;
using TorchSharp;
using Microsoft.ML.Attribution.Tensors;
using static TorchSharp.torch;

namespace Microsoft.ML.Attribution.Methods;

/// <summary>
/// Shared checks and plumbing: the input must be a finite float batch matching the network; targets are resolved
/// against the logits; work runs inside a dispose scope and under the thread's grad mode set explicitly.
/// </summary>
public abstract class AttributionMethod : IAttributionMethod, IDisposable
{
    protected AttributionMethod(Network network)
    {
        ArgumentNullException.ThrowIfNull(network);
        if (network.Inputs.Count != 1)
            throw new ArgumentException($"Attribution needs a single-input network; this one has {network.Inputs.Count} inputs.", nameof(network));
        Network = network;
        if (!ExplainsOpaqueModules && network.Layers.Any(l => l is Modules.ModuleLayer))
            throw new NotSupportedException(
                $"{GetType().Name} applies rules per layer kind, so it needs the imported graph (an ONNX model); a TorchSharp module is opaque to it. " +
                "On a module use gradient, gradient-x-input, integrated-gradients, smoothgrad, occlusion, rise, or — with a CAM layer — gradcam, gradcam-plus-plus, scorecam.");
    }

    /// <summary>
    /// Whether the method needs only forwards and autograd, so it can explain a TorchSharp module wrapped by
    /// <see cref="Modules.ModuleNetwork"/> (whose layers are opaque). Rule-based methods leave it false.
    /// </summary>
    protected virtual bool ExplainsOpaqueModules => false;

    public abstract string Name { get; }

    public Network Network { get; }

    /// <summary>Reports the fraction done (0–1) for methods that loop (steps, samples, masks, iterations).</summary>
    public IProgress<double>? Progress { get; set; }

    public AttributionMap Attribute(Tensor input, Target? target = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        CheckInput(input);
        cancellation.ThrowIfCancellationRequested();
        using DisposeScope scope = NewDisposeScope();
        using IDisposable grad = no_grad(); // explicit backward rules need no autograd; methods that do re-enable it
        return Compute(input, target ?? Target.TopPrediction, cancellation);
    }

    protected abstract AttributionMap Compute(Tensor input, Target target, CancellationToken cancellation);

    /// <summary>Releases what the method prepared (canonized copies of the network); the network itself stays the caller's.</summary>
    public virtual void Dispose() => GC.SuppressFinalize(this);

    private void CheckInput(Tensor input)
    {
        GraphInput expected = Network.Inputs[0];
        if (input.dtype is not (ScalarType.Float32 or ScalarType.Float64))
            throw new ArgumentException($"The input must be float32 or float64, got {input.dtype}.", nameof(input));
        if (input.Dimensions != expected.Shape.Length + 1 || input.shape[0] == 0)
            throw new ArgumentException($"The input must be a non-empty batch shaped {expected}, got {input.Describe()}.", nameof(input));
        using Tensor isFinite = input.isfinite();
        using Tensor finite = isFinite.all();
        if (!finite.ItemAs<bool>()) throw new ArgumentException("The input contains NaN or infinite values.", nameof(input));
    }

    /// <summary>Targets per row and each target's logit.</summary>
    protected static (long[] targets, double[] scores) ResolveTargets(Tensor logits, Target target)
    {
        long[] targets = target.Resolve(logits);
        using var scope = NewDisposeScope();
        Tensor flat = logits.Dimensions == 2 ? logits : logits.flatten(2).sum(2);
        double[] scores = flat.gather(1, tensor(targets).reshape(-1, 1)).to(ScalarType.Float64).flatten().ToArray<double>();
        return (targets, scores);
    }

    /// <summary>The logit of each row's target, as a tensor [N] (for completeness checks and seeds).</summary>
    protected static Tensor TargetLogits(Tensor logits, long[] targets)
    {
        using Tensor index = tensor(targets).reshape(-1, 1);
        using Tensor picked = logits.gather(1, index);
        return picked.flatten();
    }

    /// <summary>Rows per sub-batch of recorded passes under the memory budget (see <see cref="SubBatchSizes.ForRecordedPasses"/>).</summary>
    protected long SubBatchRows(long memoryBudgetMegabytes, ScalarType dtype) => SubBatchSizes.ForRecordedPasses(Network, memoryBudgetMegabytes, dtype);

    /// <summary>Rows per sub-batch of unrecorded forwards under the memory budget (see <see cref="SubBatchSizes.ForForwards"/>).</summary>
    protected long ForwardSubBatchRows(long memoryBudgetMegabytes, ScalarType dtype) => SubBatchSizes.ForForwards(Network, memoryBudgetMegabytes, dtype);
}
