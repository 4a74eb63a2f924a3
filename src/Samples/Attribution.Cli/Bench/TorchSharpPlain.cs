using System.Reflection;
using Microsoft.ML.Attribution.Tensors;
using TorchSharp;
using static TorchSharp.torch;

namespace Attribution.Cli.Bench;

/// <summary>
/// The same work written the plain way a .NET user would with TorchSharp alone: TorchVision's model as an nn.Module
/// (random weights: timing does not depend on them), whole-model autograd with parameter gradients on, zeroed
/// between calls. The third column of `bench`, so the cost or gain of our engine over TorchSharp itself is visible.
/// </summary>
internal sealed class TorchSharpPlain : IDisposable
{
    private static readonly string[] Tasks = ["forward", "gradient", "gradient-x-input"];
    private readonly nn.Module<Tensor, Tensor> _model;
    private readonly Tensor _input;
    private readonly string _task;

    private TorchSharpPlain(nn.Module<Tensor, Tensor> model, Tensor input, string task)
    {
        _model = model;
        _input = input;
        _task = task;
    }

    /// <summary>The plain TorchSharp version of <paramref name="task"/> on TorchVision's <paramref name="torchvisionName"/>, or null when there is none.</summary>
    public static TorchSharpPlain? Create(string? torchvisionName, string task, int batch, int size, ComputeDevice device)
    {
        if (torchvisionName is null || !Tasks.Contains(task)) return null;
        MethodInfo? factory = typeof(torchvision.models).GetMethods(BindingFlags.Public | BindingFlags.Static)
            .FirstOrDefault(m => m.Name == torchvisionName && m.GetParameters().All(p => p.IsOptional));
        if (factory?.Invoke(null, factory.GetParameters().Select(_ => Type.Missing).ToArray()) is not nn.Module<Tensor, Tensor> model)
            return null;
        model.eval();
        model.to(device.ToTorch());
        using var g = RandomGenerators.FromSeed(1);
        using Tensor input = randn([batch, 3, size, size], generator: g);
        return new TorchSharpPlain(model, input.to(device.ToTorch(), copy: true), task);
    }

    public void Run()
    {
        using DisposeScope scope = NewDisposeScope();
        if (_task == "forward")
        {
            using IDisposable noGrad = no_grad();
            _model.call(_input);
            return;
        }
        _model.zero_grad();
        Tensor x = _input.detach().requires_grad_();
        Tensor logits = _model.call(x);
        Tensor top = logits.argmax(1, keepdim: true);
        // Truly plain, libtorch 2.10's oneDNN backward ends the process (SIGFPE) on ResNet50 here: oneDNN is off for the backward.
        using (Microsoft.ML.Attribution.Runtime.OneDnnSwitch.Disabled())
            logits.gather(1, top).sum().backward();
        Tensor map = _task == "gradient" ? x.grad! : x.grad! * x;
        map.sum().ItemAs<double>(); // on a GPU, wait for the result as our side does when it reads its map
    }

    public void Dispose()
    {
        _model.Dispose();
        _input.Dispose();
    }
}
