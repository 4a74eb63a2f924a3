namespace Attribution.Cli.Bench;

/// <summary>Finds a benchmark model: a path, or a torchvision name exported by tools/export_onnx_models.py into artifacts/onnx-cache.</summary>
internal static class ModelLocator
{
    public static string Find(string model)
    {
        if (File.Exists(model)) return model;
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "artifacts", "onnx-cache", $"{model}_opset11.onnx");
            if (File.Exists(candidate)) return candidate;
        }
        throw new FileNotFoundException(
            $"No model '{model}': give an .onnx path, or a torchvision name after running " +
            "`/usr/bin/python3 tools/export_onnx_models.py torchvision artifacts/onnx-cache` (the test suite does this too).");
    }

    /// <summary>The model file's declared square input size, when it has a static one.</summary>
    public static int? InputSize(string model)
    {
        if (!File.Exists(model)) return null;
        using var network = Microsoft.ML.Attribution.Onnx.OnnxImporter.Load(model);
        long[] shape = network.Inputs[0].Shape;
        return shape.Length == 3 && shape[1] > 0 && shape[1] == shape[2] ? (int)shape[1] : null;
    }

    /// <summary>The torchvision name behind a model argument (for the torch reference), or null for a custom file.</summary>
    public static string? TorchvisionName(string model) =>
        File.Exists(model) ? null : model;
}
