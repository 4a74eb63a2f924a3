namespace Microsoft.ML.Attribution.Torch;

/// <summary>Where a tensor lives: <c>cpu</c> or <c>cuda[:index]</c>.</summary>
public sealed record Device(DeviceType type, int index = -1)
{
    /// <summary>Parses "cpu", "cuda" or "cuda:N".</summary>
    public static Device Parse(string description)
    {
        ArgumentNullException.ThrowIfNull(description);
        string text = description.Trim().ToLowerInvariant();
        if (text == "cpu") return new Device(DeviceType.CPU);
        if (text == "cuda") return new Device(DeviceType.CUDA);
        if (text.StartsWith("cuda:", StringComparison.Ordinal) && int.TryParse(text.AsSpan(5), out int index) && index >= 0)
            return new Device(DeviceType.CUDA, index);
        throw new ArgumentException($"Unknown device '{description}': expected 'cpu', 'cuda' or 'cuda:N'.", nameof(description));
    }

    /// <summary>Throws a clear error when this device cannot be used by the linked libtorch.</summary>
    public void EnsureAvailable()
    {
        if (type != DeviceType.CUDA) return;
        if (!torch.cuda.is_available())
            throw new NotSupportedException(
                $"CUDA is not available: the linked libtorch {torch.__version__} is a CPU-only build (or no GPU is present). " +
                "Use the CPU device, or build the native shim against a CUDA build of libtorch (-p:TorchCMakeDir=...).");
        int count = torch.cuda.device_count();
        if (index >= count)
            throw new ArgumentOutOfRangeException(nameof(index), $"CUDA device {index} requested but only {count} device(s) exist.");
    }

    public override string ToString() => type == DeviceType.CPU ? "cpu" : index >= 0 ? $"cuda:{index}" : "cuda";
}
