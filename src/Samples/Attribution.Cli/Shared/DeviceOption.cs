using TorchSharp;
using static TorchSharp.torch;
using Microsoft.ML.Attribution.Tensors;

namespace Attribution.Cli.Shared;

/// <summary>The --device value, checked: an unknown name or an unavailable CUDA is a usage error that says why.</summary>
internal static class DeviceOption
{
    public static ComputeDevice Parse(string text)
    {
        try
        {
            ComputeDevice device = ComputeDevice.Parse(text);
            device.EnsureAvailable();
            return device;
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException)
        {
            throw new CliUsageException($"--device {text}: {e.Message}");
        }
    }
}
