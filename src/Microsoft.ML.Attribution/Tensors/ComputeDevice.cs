using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Attribution.Tensors;

/// <summary>
/// Where a network and its tensors live: <c>cpu</c> or <c>cuda[:index]</c>. A value (TorchSharp's Device is a class
/// without value equality, and naming CUDA through it initializes CUDA), converted to TorchSharp's where a tensor moves.
/// </summary>
public readonly record struct ComputeDevice(DeviceType Type, int Index = -1)
{
    public static readonly ComputeDevice Cpu = new(DeviceType.CPU);

    /// <summary>Parses "cpu", "cuda" or "cuda:N".</summary>
    public static ComputeDevice Parse(string description)
    {
        ArgumentNullException.ThrowIfNull(description);
        string text = description.Trim().ToLowerInvariant();
        if (text == "cpu") return Cpu;
        if (text == "cuda") return new ComputeDevice(DeviceType.CUDA);
        if (text.StartsWith("cuda:", StringComparison.Ordinal) && int.TryParse(text.AsSpan(5), out int index) && index >= 0)
            return new ComputeDevice(DeviceType.CUDA, index);
        throw new ArgumentException($"Unknown device '{description}': expected 'cpu', 'cuda' or 'cuda:N'.", nameof(description));
    }

    /// <summary>Where <paramref name="tensor"/> lives.</summary>
    public static ComputeDevice Of(Tensor tensor) => new(tensor.device_type, tensor.device_type == DeviceType.CPU ? -1 : tensor.device_index);

    /// <summary>Throws a clear error when the loaded TorchSharp runtime cannot use this device.</summary>
    public void EnsureAvailable()
    {
        if (Type == DeviceType.CPU) return;
        if (Type != DeviceType.CUDA) throw new NotSupportedException($"Device type {Type} is not supported: use 'cpu' or 'cuda[:N]'.");
        Runtime.TorchSharpRuntime.EnsureLoaded();
        if (!cuda.is_available())
            throw new NotSupportedException(
                $"CUDA is not available: the application's TorchSharp runtime (libtorch {__version__}) has no CUDA backend, or no GPU is present. " +
                "Use the CPU device, or make the application reference TorchSharp-cuda-linux / TorchSharp-cuda-windows instead of TorchSharp-cpu on a machine with an NVIDIA GPU.");
        int count = cuda.device_count();
        if (Index >= count)
            throw new ArgumentOutOfRangeException(nameof(Index), $"CUDA device {Index} requested but only {count} device(s) exist.");
    }

    /// <summary>TorchSharp's device object (after <see cref="EnsureAvailable"/> for CUDA).</summary>
    public torch.Device ToTorch() => new(Type, Index);

    public static implicit operator torch.Device(ComputeDevice device) => device.ToTorch();

    public override string ToString() => Type == DeviceType.CPU ? "cpu" : Index >= 0 ? $"cuda:{Index}" : "cuda";
}
