using Microsoft.ML.Attribution.Torch;

namespace Attribution.Cli.Shared;

/// <summary>The --device value, checked: an unknown name or an unavailable CUDA is a usage error that says why.</summary>
internal static class DeviceOption
{
    public static Device Parse(string text)
    {
        try
        {
            Device device = Device.Parse(text);
            device.EnsureAvailable();
            return device;
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException)
        {
            throw new CliUsageException($"--device {text}: {e.Message}");
        }
    }
}
