using Microsoft.ML.Attribution.Composites;
using Microsoft.ML.Attribution.Graph;
using Microsoft.ML.Attribution.Graph.Layers;
using Microsoft.ML.Attribution.Maps;
using Microsoft.ML.Attribution.Rules;
using Microsoft.ML.Attribution.Tensors;
using static TorchSharp.torch;

namespace Microsoft.ML.Attribution.Methods;

/// <summary>
/// FullGrad (Srinivas &amp; Fleuret 2019). For ReLU networks in eval mode the logit decomposes exactly as
/// f_t(x) = Σ ∇x f_t ⊙ x + Σ_l Σ ∂f_t/∂z_l ⊙ b_l over every layer l with a bias: convolutions and dense layers with a
/// bias, and batch norms with their effective bias β − μγ/√(σ²+ε). One recorded forward and one backward capturing
/// the gradient at each of those outputs. Map [N, 1, H, W] aggregates the terms (see <see cref="FullGradAggregation"/>);
/// Extras["input-term"] is ∇x f_t ⊙ x [N, C, H, W] and Extras["bias-terms"] the per-layer totals [N, L] (order of
/// <see cref="BiasedLayers"/>), both without φ, so their sum is f_t(x).
/// </summary>
public sealed class FullGrad : AttributionMethod
{
    public FullGrad(Network network, FullGradOptions? options = null) : base(network)
    {
        Options = options ?? new FullGradOptions();
        BiasedLayers = network.Layers.Where(l => l is BatchNorm || l is Conv2d { Bias: not null } || l is Linear { Bias: not null }).ToArray();
    }

    public FullGradOptions Options { get; }

    /// <summary>The layers contributing a bias-gradient term, in network order.</summary>
    public IReadOnlyList<Layer> BiasedLayers { get; }

    public override string Name => "fullgrad";

    protected override AttributionMap Compute(Tensor input, Target target, CancellationToken cancellation)
    {
        using var tape = Network.Record(input);
        var (targets, scores) = ResolveTargets(tape.Logits, target);
        using Tensor seed = Backpropagation.OneHot(tape.Logits, targets);
        using BackwardResult result = Backpropagation.Run(tape, seed, NamedComposites.Gradient().For(Network),
            capture: BiasedLayers.Select(l => l.Output).ToArray(), cancellation: cancellation);
        Tensor inputTerm = result.Input! * input;
        var biasTerms = new List<(Tensor term, bool spatial)>();
        var totals = new List<Tensor>();
        long rows = input.shape[0];
        foreach (Layer layer in BiasedLayers)
        {
            if (!result.Captured.TryGetValue(layer.Output, out Tensor? gradient))
            {
                totals.Add(zeros([rows], input.dtype, input.device)); // f_t does not depend on this layer
                continue;
            }
            Tensor term = BiasTerm(layer, gradient);
            totals.Add(term.flatten(1).sum(1));
            biasTerms.Add((term, layer is not Linear && term.Dimensions == 4));
        }
        Tensor map = Options.Aggregation == FullGradAggregation.RawSum ? RawSum(input, inputTerm, biasTerms) : ChannelNormalized(input, inputTerm, biasTerms);
        return new AttributionMap(Name, map, targets, scores,
            new Dictionary<string, Tensor> { ["input-term"] = inputTerm, ["bias-terms"] = stack(totals, 1) });
    }

    /// <summary>∂f_t/∂z_l ⊙ b_l, the bias broadcast over the layer's channels.</summary>
    private static Tensor BiasTerm(Layer layer, Tensor gradient)
    {
        using Tensor bias = layer switch
        {
            Conv2d conv => conv.Bias!.reshape(BatchNorm.ChannelShape(gradient)),
            BatchNorm norm => EffectiveShift(norm, gradient),
            Linear dense => dense.Bias!.alias(), // dense layers act on the last dim, where the bias broadcasts as is
            _ => throw new InvalidOperationException($"Layer '{layer.Name}' ({layer.Kind}) has no bias term."),
        };
        return gradient * bias;
    }

    private static Tensor EffectiveShift(BatchNorm norm, Tensor like)
    {
        using Tensor shift = norm.EffectiveShift();
        return shift.reshape(BatchNorm.ChannelShape(like));
    }

    private Tensor ChannelNormalized(Tensor input, Tensor inputTerm, List<(Tensor term, bool spatial)> biasTerms)
    {
        GradientHandling phi = Options.Gradients;
        // Each channel of each term on its own scale, as pytorch-grad-cam; max |·| instead of min-max when φ keeps
        // signs, so that negative evidence stays negative (methods.md §4.2).
        Tensor Scaled(Tensor term, int firstReducedDim)
        {
            using Tensor handled = phi.Apply(term);
            return phi.KeepsSign() ? MapNormalization.MaxAbs(handled, firstReducedDim) : MapNormalization.MinMax(handled, firstReducedDim);
        }

        using Tensor inputScaled = Scaled(inputTerm, 2);
        Tensor map = inputScaled.sum(1, keepdim: true);
        foreach (var (term, spatial) in biasTerms)
        {
            if (!spatial) continue; // the saliency uses the spatial (convolution / batch-norm) terms only
            using Tensor scaled = Scaled(term, 2);
            using Tensor summed = scaled.sum(1, keepdim: true);
            using Tensor resized = MapResize.ToSizeOf(summed, input, Options.Upsampling);
            map = AddAndRelease(map, resized);
        }
        using (map) return phi.KeepsSign() ? MapNormalization.MaxAbs(map) : MapNormalization.MinMax(map);
    }

    private Tensor RawSum(Tensor input, Tensor inputTerm, List<(Tensor term, bool spatial)> biasTerms)
    {
        GradientHandling phi = Options.Gradients;
        long height = input.shape[2], width = input.shape[3];
        using Tensor inputHandled = phi.Apply(inputTerm);
        Tensor map = inputHandled.sum(1, keepdim: true);
        foreach (var (term, spatial) in biasTerms)
        {
            using Tensor handled = phi.Apply(term);
            Tensor contribution;
            if (spatial)
            {
                // Upsampling by s×s spreads each value over s² pixels: divide by the area ratio to keep the term's total.
                using Tensor summed = handled.sum(1, keepdim: true);
                using Tensor resized = MapResize.Resize(summed, height, width, Options.Upsampling);
                double areaRatio = (double)(term.shape[2] * term.shape[3]) / (height * width);
                contribution = resized.Times(areaRatio);
            }
            else
            {
                using Tensor total = handled.flatten(1).sum(1);
                contribution = total.reshape(-1, 1, 1, 1).DividedBy(height * width);
            }
            using (contribution)
                map = AddAndRelease(map, contribution);
        }
        return map;
    }

    /// <summary>running + addend, disposing the old running total (the maps are input-sized, so don't keep one per layer).</summary>
    private static Tensor AddAndRelease(Tensor running, Tensor addend)
    {
        using (running) return running.Plus(addend);
    }
}
