using Attribution.Cli.Shared;
using System.Text.Json.Nodes;
using Microsoft.ML.Attribution.Graph;
using Microsoft.ML.Attribution.Methods;
using Microsoft.ML.Attribution.Onnx;
using TorchSharp;
using Microsoft.ML.Attribution.Tensors;
using static TorchSharp.torch;

namespace Attribution.Cli.Bench;

/// <summary>One attribution method on an imported model, against the same computation as the peers do it in torch.</summary>
internal sealed class MethodWorkload : IBenchWorkload
{
    private readonly Network _network;
    private readonly IAttributionMethod _method;
    private readonly Tensor _input;
    private readonly string _model;
    private readonly int _size;
    private readonly IReadOnlyDictionary<string, string> _options;

    /// <summary>Captum's IntegratedGradients default n_steps.</summary>
    private const int CaptumDefaultSteps = 50;

    public MethodWorkload(string method, string model, int batch, int size, IReadOnlyDictionary<string, string> options, ComputeDevice device)
    {
        _model = model;
        _size = size;
        _network = ModelLoader.Load(ModelLocator.Find(model), device);
        _options = options;
        _method = MethodRegistry.Create(method, _network, options);
        using var g = RandomGenerators.FromSeed(1);
        using (Tensor input = randn([batch, 3, size, size], generator: g))
            _input = input.to(device, copy: true);
        Images = batch;
    }

    public string Name => $"{_method.Name} {Path.GetFileNameWithoutExtension(_model)}";

    public string Method => _method.Name;

    public int Images { get; }

    /// <summary>
    /// Torch equivalents exist for the methods whose peer cost is plain autograd (Captum, pytorch-grad-cam), for the
    /// forward-only Score-CAM, RISE and occlusion as pytorch-grad-cam, the RISE code and Captum run them, for DMBP
    /// written in torch, and for the z⁺/αβ LRP composites and excitation backprop on VGG-style models written lean in torch.
    /// </summary>
    public JsonObject? TorchRequest
    {
        get
        {
            if (ModelLocator.TorchvisionName(_model) is not { } name) return null;
            string? task = _method.Name switch
            {
                "gradient" or "integrated-gradients" or "smoothgrad" => _method.Name,
                "gradcam" or "gradcam-plus-plus" or "dmbp" => _method.Name,
                "scorecam" or "rise" or "occlusion" => _method.Name,
                // The same computation written lean in torch (VGG-style models only); Zennit itself is not installed here.
                "lrp-epsilon-plus-flat" or "lrp-epsilon-alpha2-beta1-flat" or "excitation-backprop" when name.StartsWith("vgg", StringComparison.Ordinal) => _method.Name,
                _ => null,
            };
            if (task is null) return null;
            var request = new JsonObject { ["task"] = task, ["model"] = name, ["batch"] = Images, ["size"] = _size };
            if (_options.TryGetValue("steps", out string? steps)) request["steps"] = int.Parse(steps);
            // Ours refines until the completeness target is met; the reference is Captum's default, 50 Gauss–Legendre steps.
            if (_options.ContainsKey("target-completeness")) request["steps"] = CaptumDefaultSteps;
            if (_options.TryGetValue("samples", out string? samples)) request["samples"] = int.Parse(samples);
            if (_options.TryGetValue("iterations", out string? iterations)) request["iterations"] = int.Parse(iterations);
            // The bound options (defaults included, keys as the binder reads them) set the masks' and windows' work, and
            // the torch side forwards as many rows at a time as ours does.
            if (_method is Rise { Options: var rise })
            {
                request["masks"] = rise.MaskCount;
                request["grid"] = rise.GridSize;
                request["probability"] = rise.Probability;
                request["score"] = OptionsBinder.Kebab(rise.Score.ToString());
                request["chunk"] = SubBatchSizes.ForForwards(_network, rise.MemoryBudgetMb, ScalarType.Float32);
            }
            if (_method is Occlusion { Options: var occlusion })
            {
                request["window"] = new JsonArray(JsonValue.Create(occlusion.WindowHeight), JsonValue.Create(occlusion.WindowWidth));
                request["stride"] = new JsonArray(JsonValue.Create(occlusion.StrideHeight), JsonValue.Create(occlusion.StrideWidth));
                request["baseline"] = occlusion.ChannelBaseline is { } perChannel
                    ? (JsonNode)new JsonArray(perChannel.Select(v => (JsonNode)JsonValue.Create(v)).ToArray())
                    : JsonValue.Create(occlusion.Baseline);
                request["score"] = OptionsBinder.Kebab(occlusion.Score.ToString());
                request["chunk"] = SubBatchSizes.ForRecordedPasses(_network, occlusion.MemoryBudgetMb, ScalarType.Float32);
            }
            return request;
        }
    }

    /// <summary>What the last run settled on, when the method adapts its work: IG's steps and completeness, DMBP's iterations.</summary>
    public string? Detail { get; private set; }

    public Action Forward => () => NetworkForward.Once(_network, _input);

    public void Run()
    {
        using AttributionMap map = _method.Attribute(_input);
        using DisposeScope scope = NewDisposeScope();
        if (map.Extras.TryGetValue("steps", out Tensor? steps) && map.Extras.TryGetValue("relative_delta", out Tensor? delta))
            Detail = $"{steps.ItemAs<double>():F0} steps, completeness error ≤ {delta.max().ItemAs<double>():P2}";
        else if (map.Extras.TryGetValue("iterations", out Tensor? iterations))
            Detail = $"{iterations.to(ScalarType.Float64).mean().ItemAs<double>():F0} Adam iterations per image (mean)";
    }

    public void Dispose()
    {
        _method.Dispose();
        _network.Dispose();
        _input.Dispose();
    }
}
