namespace Attribution.Cli.Report;

/// <summary>One model of a model-set file: its ONNX file and, where the file says, its classes and preprocessing.</summary>
internal sealed record ModelSpec(string Name, string OnnxPath, IReadOnlyList<string>? Classes, int? Size, float[]? Mean, float[]? Std);
