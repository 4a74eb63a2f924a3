using Microsoft.ML.Attribution.Graph;
using Microsoft.ML.Attribution.Tensors;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Attribution.Modules;

/// <summary>
/// Wraps a TorchSharp classifier (an <c>nn.Module</c> from images [N, C, H, W] to scores [N, K], e.g. TorchVision's
/// resnet50 with weights loaded through TorchSharp.PyBridge) as a <see cref="Network"/>, so the methods that need only
/// forwards and autograd explain it as Captum explains any module: gradient, gradient-x-input, integrated-gradients,
/// smoothgrad / smoothgrad-squared / vargrad, occlusion, rise, and — at the submodule named by <c>camLayer</c> —
/// gradcam, gradcam-plus-plus and scorecam. The rule-based methods (LRP, RSP, CLRP, SGLRP, DMBP, excitation backprop,
/// guided backprop, deconvnet, RectGrad) need each layer's kind and refuse such a network, saying so.
/// </summary>
public static class ModuleNetwork
{
    /// <param name="module">The classifier, in eval mode (training-mode batch norm or dropout would explain something else).</param>
    /// <param name="inputShape">One image's shape [C, H, W].</param>
    /// <param name="camLayer">A submodule name as <c>named_modules()</c> gives it (e.g. "layer4"), where CAM methods read activations; null for none.</param>
    /// <param name="dtype">The input's element type (the module's parameters must have it).</param>
    public static Network Create(nn.Module<Tensor, Tensor> module, long[] inputShape, string? camLayer = null, ScalarType dtype = ScalarType.Float32)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(inputShape);
        Runtime.TorchSharpRuntime.EnsureLoaded();
        if (inputShape.Length != 3 || inputShape.Any(d => d < 1))
            throw new ArgumentException($"The input shape is one image [C, H, W], got [{string.Join(",", inputShape)}].", nameof(inputShape));
        if (module.training)
            throw new ArgumentException("The module is in training mode: call module.eval() first (batch norm would use batch statistics and dropout would drop).", nameof(module));
        nn.Module<Tensor, Tensor>? split = null;
        if (camLayer is not null)
        {
            nn.Module? found = module.named_modules().Where(m => m.name == camLayer).Select(m => m.module).FirstOrDefault();
            split = found switch
            {
                null => throw new ArgumentException(
                    $"The module has no submodule '{camLayer}'. Its submodules: {string.Join(", ", module.named_modules().Select(m => m.name).Where(n => n.Length > 0 && !n.Contains('.')))} (and their children, dotted).",
                    nameof(camLayer)),
                nn.Module<Tensor, Tensor> typed => typed,
                _ => throw new ArgumentException($"Submodule '{camLayer}' is a {found.GetType().Name}; CAM methods need one that maps a tensor to a tensor.", nameof(camLayer)),
            };
        }

        var input = new GraphInput("input", inputShape, dtype);
        Layer[] layers = split is null
            ? [new ModuleLayer("module", ["input"], "scores", module, ModulePart.Whole, null, null)]
            :
            [
                new ModuleLayer(camLayer!, ["input"], camLayer!, module, ModulePart.Head, camLayer, split),
                new ModuleLayer("module", ["input", camLayer!], "scores", module, ModulePart.Tail, camLayer, split),
            ];
        TraceShapes(layers, inputShape, dtype);
        return new Network(layers, [input], ["scores"]);
    }

    /// <summary>Runs one zero image through the parts, recording each part's per-image shapes (sub-batching and CAMs read them).</summary>
    private static void TraceShapes(Layer[] layers, long[] inputShape, ScalarType dtype)
    {
        using DisposeScope scope = NewDisposeScope();
        using IDisposable noGrad = no_grad();
        var values = new Dictionary<string, Tensor> { ["input"] = zeros([1, .. inputShape], dtype) };
        foreach (Layer layer in layers)
        {
            Tensor[] inputs = layer.Inputs.Select(n => values[n]).ToArray();
            Tensor output;
            try
            {
                output = layer.Forward(inputs, null);
            }
            catch (Exception e) when (e is System.Runtime.InteropServices.ExternalException or ArgumentException)
            {
                throw new ArgumentException($"The module does not run on one image [{string.Join(",", inputShape)}] {TensorText.DTypeName(dtype)}: {ErrorText.Of(e)}", e);
            }
            layer.InputShapes = inputs.Select(t => t.shape.Skip(1).ToArray()).ToArray();
            layer.OutputShape = output.shape.Skip(1).ToArray();
            values[layer.Output] = output;
        }
        if (values["scores"].Dimensions != 2)
            throw new ArgumentException($"The module must return scores [N, K]; it returns {values["scores"].Describe()} for one image.");
    }
}
