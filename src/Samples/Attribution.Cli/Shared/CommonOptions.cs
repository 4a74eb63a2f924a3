using Microsoft.ML.Attribution.Tensors;
using System.CommandLine;
using System.Globalization;

namespace Attribution.Cli.Shared;

/// <summary>
/// The options explain, evaluate, sanity and report share: preprocessing (--size, --mean, --std), method options
/// (--option method.key=value, repeatable) and the batch size.
/// </summary>
internal sealed class CommonOptions
{
    public Option<int?> Size { get; } = new("--size") { Description = "Input height and width in pixels (default: the model's input size, else 224)." };

    public Option<string?> Mean { get; } = new("--mean") { Description = "Per-channel mean in [0,1] units, e.g. 0.485,0.456,0.406 (pixels are divided by 255 first)." };

    public Option<string?> Std { get; } = new("--std") { Description = "Per-channel standard deviation in [0,1] units, e.g. 0.229,0.224,0.225." };

    public Option<string[]> MethodSettings { get; } = new("--option")
    {
        Description = "A method option as method.key=value, e.g. integrated-gradients.steps=64 (repeatable).",
        Arity = ArgumentArity.ZeroOrMore,
        DefaultValueFactory = _ => [],
    };

    public Option<int> Batch { get; } = new("--batch") { Description = "Rows attributed together in one batched pass.", DefaultValueFactory = _ => 16 };

    public Option<string> Device { get; } = new("--device")
    {
        Description = "Where to compute: cpu, cuda or cuda:N (the model's weights move there once; maps come back to the CPU).",
        DefaultValueFactory = _ => "cpu",
    };

    public void AddTo(Command command)
    {
        foreach (Option option in new Option[] { Size, Mean, Std, MethodSettings, Batch, Device })
            command.Options.Add(option);
    }

    /// <summary>Only --size, --mean and --std (for verbs that pick their own methods and batching).</summary>
    public void AddPreprocessingTo(Command command)
    {
        foreach (Option option in new Option[] { Size, Mean, Std })
            command.Options.Add(option);
    }

    /// <summary>The device asked for (see <see cref="DeviceOption"/>).</summary>
    public ComputeDevice GetDevice(ParseResult result) => DeviceOption.Parse(result.GetValue(Device) ?? "cpu");

    /// <summary>The largest --size accepted (8192², three channels of float32: 805 MB per image).</summary>
    public const int MaxSize = 8192;

    /// <summary>The preprocessing for a model whose input is <paramref name="modelSize"/> (0: not fixed).</summary>
    public Preprocessing GetPreprocessing(ParseResult result, int modelSize)
    {
        int size = result.GetValue(Size) ?? (modelSize > 0 ? modelSize : 224);
        if (size < 1)
            throw new CliUsageException($"--size must be positive, got {size}.");
        if (size > MaxSize)
            throw new CliUsageException($"--size {size} is larger than {MaxSize} pixels per side: the images would not fit in memory.");
        float[]? mean = ParseTriple(result.GetValue(Mean), "--mean");
        float[]? std = ParseTriple(result.GetValue(Std), "--std");
        if (std is not null && std.Any(s => !(s > 0)))
            throw new CliUsageException($"--std values must be positive, got {string.Join(",", std)}.");
        return new Preprocessing(size, mean, std);
    }

    /// <summary>The --option settings of each method, checked against the methods given.</summary>
    public MethodSettings GetMethodSettings(ParseResult result, IReadOnlyCollection<string> methods) =>
        Shared.MethodSettings.Parse(result.GetValue(MethodSettings) ?? [], methods);

    public int GetBatch(ParseResult result)
    {
        int batch = result.GetValue(Batch);
        return batch >= 1 ? batch : throw new CliUsageException($"--batch must be at least 1, got {batch}.");
    }

    private static float[]? ParseTriple(string? text, string option)
    {
        if (string.IsNullOrWhiteSpace(text))
            return null;
        try
        {
            return text.Split(',', StringSplitOptions.TrimEntries).Select(v => float.Parse(v, NumberStyles.Float, CultureInfo.InvariantCulture)).ToArray();
        }
        catch (FormatException)
        {
            throw new CliUsageException($"{option} expects comma-separated numbers such as 0.485,0.456,0.406; got '{text}'.");
        }
    }
}
