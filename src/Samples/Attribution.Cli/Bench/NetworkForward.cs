using Attribution.Cli.Shared;
using System.Text.Json.Nodes;
using Microsoft.ML.Attribution.Graph;
using Microsoft.ML.Attribution.Onnx;
using TorchSharp;
using Microsoft.ML.Attribution.Tensors;
using static TorchSharp.torch;

namespace Attribution.Cli.Bench;

/// <summary>An imported ONNX model's forward pass (no recording), against the torchvision model in torch.</summary>
internal sealed class NetworkForward : IBenchWorkload
{
    private readonly Network _network;
    private readonly Tensor _input;
    private readonly string _model;
    private readonly int _size;

    public NetworkForward(string model, int batch, int size, IReadOnlyDictionary<string, string> options, ComputeDevice device)
    {
        _model = model;
        _size = size;
        _network = ModelLoader.Load(ModelLocator.Find(model), device);
        if (options.Keys.FirstOrDefault() is { } unknown)
            throw new ArgumentException($"forward takes no options, got '{unknown}'.");
        using var g = RandomGenerators.FromSeed(1);
        using (Tensor input = randn([batch, 3, size, size], generator: g))
            _input = input.to(device, copy: true);
        Images = batch;
    }

    public string Name => $"forward {_model}";

    public int Images { get; }

    public JsonObject? TorchRequest => ModelLocator.TorchvisionName(_model) is { } name
        ? new JsonObject { ["task"] = "forward", ["model"] = name, ["batch"] = Images, ["size"] = _size }
        : null;

    public void Run() => Once(_network, _input);

    /// <summary>One forward without recording: what `bench` calls "our forward".</summary>
    public static void Once(Network network, Tensor input)
    {
        using var noGrad = no_grad();
        using Tensor output = network.Forward(input);
    }

    public void Dispose()
    {
        _network.Dispose();
        _input.Dispose();
    }
}
