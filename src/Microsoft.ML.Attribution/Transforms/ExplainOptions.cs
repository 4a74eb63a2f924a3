using System.Text.Json.Serialization;
using Microsoft.ML.Attribution.Graph;
using Microsoft.ML.Attribution.Maps;

namespace Microsoft.ML.Attribution.Transforms;

/// <summary>
/// Everything <see cref="ExplainEstimator"/> needs (like ML.NET's <c>OnnxOptions</c>). Give the model as <see cref="ModelPath"/> (the transformer
/// then owns the network it loads, and can be saved) or as an already imported <see cref="Network"/> (which stays the caller's).
/// </summary>
public sealed class ExplainOptions
{
    /// <summary>The map column. Three more are appended: output + "Target", "Logit" and "Error".</summary>
    public string OutputColumnName { get; set; } = "";

    /// <summary>
    /// The model input per row: an ML.NET image column (<c>LoadImages</c>, <c>ResizeImages</c>) or a Vector&lt;Single&gt; of pixels
    /// (<c>ExtractPixels</c>) laid out as <see cref="InputLayout"/> says.
    /// </summary>
    public string InputColumnName { get; set; } = "";

    /// <summary>The pixel order of a Vector&lt;Single&gt; input column (ignored for an image column).</summary>
    public PixelLayout InputLayout { get; set; } = PixelLayout.Planar;

    /// <summary>
    /// Multiplies every input value before <see cref="Mean"/> and <see cref="Std"/> apply. Null: 1/255 for an image column (bytes to [0, 1]),
    /// 1 for a pixel vector (<c>ExtractPixels</c> already applied its own <c>scaleImage</c>).
    /// </summary>
    public float? Scale { get; set; }

    /// <summary>Per-channel mean subtracted after scaling (e.g. ImageNet's 0.485, 0.456, 0.406); null subtracts nothing.</summary>
    public float[]? Mean { get; set; }

    /// <summary>Per-channel standard deviation divided by after the mean (e.g. ImageNet's 0.229, 0.224, 0.225); null divides by 1.</summary>
    public float[]? Std { get; set; }

    /// <summary>
    /// An image whose size is not the model's is stretched to it (bilinear) when true; when false such a row gets the error column.
    /// Pixel vectors are never resized: their size must be the model's.
    /// </summary>
    public bool ResizeToModelInput { get; set; } = true;

    /// <summary>An ONNX file, imported when the transformer is created.</summary>
    public string? ModelPath { get; set; }

    /// <summary>An imported network to use instead of <see cref="ModelPath"/> (not saved with the model).</summary>
    [JsonIgnore]
    public Network? Network { get; set; }

    /// <summary>A name from <c>MethodRegistry.Names</c>, e.g. "gradient", "lrp-epsilon-plus-flat", "dmbp".</summary>
    public string Method { get; set; } = "gradient";

    /// <summary>The method's options as "key" → "value" (kebab-case keys, as the CLI's <c>--option method.key=value</c>).</summary>
    public Dictionary<string, string> MethodOptions { get; set; } = new(StringComparer.Ordinal);

    /// <summary>An Int32, Int64 or key column with the class to explain per row; null explains each row's top prediction.</summary>
    public string? TargetColumnName { get; set; }

    /// <summary>How the map's channels are reduced to [H, W]; null uses the method's convention (<see cref="ChannelReductionDefaults"/>).</summary>
    public ChannelReduction? Reduction { get; set; }

    /// <summary>Keep the unreduced map [C, H, W] (C is the method's: the input's channels, or 1 for CAM-type methods).</summary>
    public bool KeepChannels { get; set; }

    /// <summary>
    /// Where the attribution runs: "cpu", "cuda" or "cuda:N". The model's weights move there once; inputs are sent per batch and maps
    /// come back to the CPU. Asking for CUDA where it is not available fails when the transformer is created, with the reason.
    /// </summary>
    public string Device { get; set; } = "cpu";

    /// <summary>Rows attributed together in one batched forward/backward pass.</summary>
    public int BatchSize { get; set; } = 16;

    /// <summary>Told, after each batch, how many rows the cursor has attributed so far (not saved).</summary>
    [JsonIgnore]
    public IProgress<long>? Progress { get; set; }

    /// <summary>Stops attribution between batches, and inside a batch where the method observes it (not saved).</summary>
    [JsonIgnore]
    public CancellationToken CancellationToken { get; set; }

    internal ExplainOptions Copy() => new()
    {
        OutputColumnName = OutputColumnName,
        InputColumnName = InputColumnName,
        InputLayout = InputLayout,
        Scale = Scale,
        Mean = Mean?.ToArray(),
        Std = Std?.ToArray(),
        ResizeToModelInput = ResizeToModelInput,
        ModelPath = ModelPath,
        Network = Network,
        Method = Method,
        MethodOptions = new Dictionary<string, string>(MethodOptions ?? new(), StringComparer.Ordinal),
        TargetColumnName = TargetColumnName,
        Reduction = Reduction,
        KeepChannels = KeepChannels,
        Device = Device,
        BatchSize = BatchSize,
        Progress = Progress,
        CancellationToken = CancellationToken,
    };
}
