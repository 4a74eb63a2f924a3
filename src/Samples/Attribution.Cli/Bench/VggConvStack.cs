using System.Text.Json.Nodes;
using TorchSharp;
using Microsoft.ML.Attribution.Tensors;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Attribution.Cli.Bench;

/// <summary>VGG16's 13 conv + 5 max-pool feature stack through the binding (the op-overhead benchmark).</summary>
internal sealed class VggConvStack : IBenchWorkload
{
    private static readonly int[] Config = [64, 64, 0, 128, 128, 0, 256, 256, 256, 0, 512, 512, 512, 0, 512, 512, 512, 0];
    private readonly List<(Tensor weight, Tensor bias)?> _layers = new();
    private readonly Tensor _input;

    private readonly int _batch, _size;

    public VggConvStack(int batch, int size)
    {
        _batch = batch;
        _size = size;
        using var g = RandomGenerators.FromSeed(0);
        long channels = 3;
        foreach (int width in Config)
        {
            if (width == 0)
            {
                _layers.Add(null);
                continue;
            }
            _layers.Add((randn([width, channels, 3, 3], generator: g).Times(0.05), zeros(width)));
            channels = width;
        }
        _input = randn([batch, 3, size, size], generator: g);
    }

    public string Name => "conv-stack";

    public int Images => _batch;

    public JsonObject? TorchRequest => new() { ["task"] = "vgg16-convs", ["batch"] = _batch, ["size"] = _size };

    public void Run()
    {
        using var noGrad = no_grad();
        using DisposeScope scope = NewDisposeScope();
        Tensor h = _input;
        foreach (var layer in _layers)
            h = layer is { } l ? F.conv2d(h, l.weight, l.bias, padding: [1]).relu_() : F.max_pool2d(h, [2], [2]);
    }

    public void Dispose()
    {
        foreach (var layer in _layers)
        {
            layer?.weight.Dispose();
            layer?.bias.Dispose();
        }
        _input.Dispose();
    }
}
