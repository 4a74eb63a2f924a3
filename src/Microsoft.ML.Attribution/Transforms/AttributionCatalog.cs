using Microsoft.ML.Attribution.Graph;
using Microsoft.ML.Attribution.Imaging;

namespace Microsoft.ML.Attribution.Transforms;

/// <summary>
/// Attribution transforms on <see cref="TransformsCatalog"/>: <c>Explain</c> (any registered method) and one shortcut per seed method,
/// <c>PointingGame</c>, and <c>Heatmap</c>. Output column first, as everywhere in ML.NET.
/// </summary>
/// <remarks>
/// <para><b>Per-row error policy.</b> Data problems are values, never exceptions, so one bad row neither ends an enumeration nor fails the
/// mini-batch it is in. Every transform that can meet a bad row appends a text column named output + "Error": empty for good rows, otherwise
/// the reason, which starts with one of these phrases:</para>
/// <list type="bullet">
/// <item><c>LoadImages</c>: "Missing file: …", "Corrupt image: …", "No image: …" (empty path). The image is missing (null).</item>
/// <item><c>ResizeImages</c>, <c>ExtractPixels</c>: a missing image stays missing; its pixels are NaN (float's missing value).</item>
/// <item><c>Explain</c>: "Missing input: …" (NaN pixels), "Wrong channel count: …", "Wrong input size: …", "Bad target: …",
/// "Attribution failed: …". The map is NaN-filled (empty with KeepChannels), the target −1 and the logit NaN.</item>
/// <item><c>PointingGame</c>: "Missing map: …", "No boxes: …", "Malformed boxes: …", "Malformed box k: …", "Box outside the image: …".
/// Hit is false; MaxPoint is NaN unless the map was valid.</item>
/// <item><c>Heatmap</c>: "Missing map: …", "Missing image: …", "Cannot write …". The path is empty.</item>
/// </list>
/// <para>Schema problems (a missing column, a wrong type, a vector whose size does not fit the model) are still raised at once by
/// <c>Fit</c>, <c>GetOutputSchema</c> and <c>Transform</c>, as <see cref="ArgumentOutOfRangeException"/> ("Could not find input column 'X'",
/// "Schema mismatch for input column 'X': expected T1, got T2"). Cancellation throws <see cref="OperationCanceledException"/> from the read
/// that needed the cancelled batch.</para>
/// </remarks>
public static class AttributionCatalog
{
    /// <summary>
    /// Appends attribution maps of <paramref name="inputColumnName"/> (an image, or a planar [C, H, W] pixel vector) computed by <paramref name="method"/> on the
    /// ONNX model at <paramref name="modelPath"/>, reduced to [H, W] with the method's conventional channel reduction, plus output + "Target",
    /// "Logit" and "Error". <paramref name="targetColumnName"/> picks the class per row (null: top-1).
    /// </summary>
    public static ExplainEstimator Explain(this TransformsCatalog catalog, string outputColumnName, string inputColumnName, string modelPath,
        string method = "gradient", string? targetColumnName = null, IReadOnlyDictionary<string, string>? options = null)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentException.ThrowIfNullOrEmpty(modelPath);
        return new ExplainEstimator(MakeOptions(outputColumnName, inputColumnName, method, targetColumnName, options, modelPath, null));
    }

    /// <summary>As the model-path overload, with an imported network (which stays the caller's to dispose; such a pipeline cannot be saved).</summary>
    public static ExplainEstimator Explain(this TransformsCatalog catalog, string outputColumnName, string inputColumnName, Network network,
        string method = "gradient", string? targetColumnName = null, IReadOnlyDictionary<string, string>? options = null)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(network);
        return new ExplainEstimator(MakeOptions(outputColumnName, inputColumnName, method, targetColumnName, options, null, network));
    }

    /// <summary>Explain with every setting spelled out (reduction, unreduced maps, batch size, progress, cancellation).</summary>
    public static ExplainEstimator Explain(this TransformsCatalog catalog, ExplainOptions options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new ExplainEstimator(options);
    }

    /// <summary>Explain with DMBP (method "dmbp"; its map is reduced with the channel mean).</summary>
    public static ExplainEstimator Dmbp(this TransformsCatalog catalog, string outputColumnName, string inputColumnName, string modelPath,
        string? targetColumnName = null, IReadOnlyDictionary<string, string>? options = null) =>
        catalog.Explain(outputColumnName, inputColumnName, modelPath, "dmbp", targetColumnName, options);

    /// <inheritdoc cref="Dmbp(TransformsCatalog, string, string, string, string, IReadOnlyDictionary{string, string})"/>
    public static ExplainEstimator Dmbp(this TransformsCatalog catalog, string outputColumnName, string inputColumnName, Network network,
        string? targetColumnName = null, IReadOnlyDictionary<string, string>? options = null) =>
        catalog.Explain(outputColumnName, inputColumnName, network, "dmbp", targetColumnName, options);

    /// <summary>Explain with RSP, relative sectional propagation (method "rsp").</summary>
    public static ExplainEstimator Rsp(this TransformsCatalog catalog, string outputColumnName, string inputColumnName, string modelPath,
        string? targetColumnName = null, IReadOnlyDictionary<string, string>? options = null) =>
        catalog.Explain(outputColumnName, inputColumnName, modelPath, "rsp", targetColumnName, options);

    /// <inheritdoc cref="Rsp(TransformsCatalog, string, string, string, string, IReadOnlyDictionary{string, string})"/>
    public static ExplainEstimator Rsp(this TransformsCatalog catalog, string outputColumnName, string inputColumnName, Network network,
        string? targetColumnName = null, IReadOnlyDictionary<string, string>? options = null) =>
        catalog.Explain(outputColumnName, inputColumnName, network, "rsp", targetColumnName, options);

    /// <summary>Explain with CLRP, contrastive layer-wise relevance propagation (method "clrp").</summary>
    public static ExplainEstimator Clrp(this TransformsCatalog catalog, string outputColumnName, string inputColumnName, string modelPath,
        string? targetColumnName = null, IReadOnlyDictionary<string, string>? options = null) =>
        catalog.Explain(outputColumnName, inputColumnName, modelPath, "clrp", targetColumnName, options);

    /// <inheritdoc cref="Clrp(TransformsCatalog, string, string, string, string, IReadOnlyDictionary{string, string})"/>
    public static ExplainEstimator Clrp(this TransformsCatalog catalog, string outputColumnName, string inputColumnName, Network network,
        string? targetColumnName = null, IReadOnlyDictionary<string, string>? options = null) =>
        catalog.Explain(outputColumnName, inputColumnName, network, "clrp", targetColumnName, options);

    /// <summary>Explain with SGLRP, softmax-gradient LRP (method "sglrp").</summary>
    public static ExplainEstimator Sglrp(this TransformsCatalog catalog, string outputColumnName, string inputColumnName, string modelPath,
        string? targetColumnName = null, IReadOnlyDictionary<string, string>? options = null) =>
        catalog.Explain(outputColumnName, inputColumnName, modelPath, "sglrp", targetColumnName, options);

    /// <inheritdoc cref="Sglrp(TransformsCatalog, string, string, string, string, IReadOnlyDictionary{string, string})"/>
    public static ExplainEstimator Sglrp(this TransformsCatalog catalog, string outputColumnName, string inputColumnName, Network network,
        string? targetColumnName = null, IReadOnlyDictionary<string, string>? options = null) =>
        catalog.Explain(outputColumnName, inputColumnName, network, "sglrp", targetColumnName, options);

    /// <summary>
    /// Appends the pointing game's hit (Boolean) for the map in <paramref name="mapColumnName"/> against the boxes in
    /// <paramref name="boxesColumnName"/> (Vector&lt;Single&gt; of xMin, yMin, xMax, yMax in map pixels), plus output + "MaxPoint" and "Error".
    /// </summary>
    public static PointingGameEstimator PointingGame(this TransformsCatalog catalog, string outputColumnName, string mapColumnName, string boxesColumnName,
        double tolerance = Metrics.PointingGame.DefaultTolerance)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new PointingGameEstimator(outputColumnName, mapColumnName, boxesColumnName, tolerance);
    }

    /// <summary>
    /// Writes a heatmap image per row into <paramref name="outputFolder"/> (over <paramref name="imageColumnName"/> if given) and appends the
    /// written path; files are named after <paramref name="nameColumnName"/> (e.g. the image path) plus <paramref name="fileSuffix"/>.
    /// Drawn as <see cref="HeatmapStyle"/>'s defaults say (signed maps blue–white–red about zero, unsigned ones from a transparent zero);
    /// a null <paramref name="colormap"/> picks by the map's sign, <paramref name="alpha"/> is the weight at the map's limit.
    /// </summary>
    public static HeatmapEstimator Heatmap(this TransformsCatalog catalog, string outputColumnName, string mapColumnName, string outputFolder,
        string? imageColumnName = null, string? nameColumnName = null, string fileSuffix = "", Colormap? colormap = null, double alpha = 0.7)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new HeatmapEstimator(new HeatmapOptions
        {
            OutputColumnName = outputColumnName,
            MapColumnName = mapColumnName,
            OutputFolder = outputFolder,
            ImageColumnName = imageColumnName,
            NameColumnName = nameColumnName,
            FileSuffix = fileSuffix,
            Colormap = colormap,
            Alpha = alpha,
        });
    }

    /// <summary>Heatmap with every setting spelled out.</summary>
    public static HeatmapEstimator Heatmap(this TransformsCatalog catalog, HeatmapOptions options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new HeatmapEstimator(options);
    }

    /// <summary>
    /// Appends <paramref name="inputColumnName"/> (a pixel vector, e.g. from <c>ExtractPixels</c>) normalized per channel:
    /// (value · <paramref name="scale"/> − mean[c]) / std[c]. For <c>ApplyOnnxModel</c> on models trained with ImageNet-style
    /// normalization; <c>Explain</c> has the same options built in.
    /// </summary>
    public static PixelNormalizingEstimator NormalizePixels(this TransformsCatalog catalog, string outputColumnName, string inputColumnName,
        float[]? mean, float[]? std, float scale = 1, PixelLayout layout = PixelLayout.Planar)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new PixelNormalizingEstimator(new PixelNormalizingTransformer(outputColumnName, inputColumnName, mean, std, scale, layout));
    }

    private static ExplainOptions MakeOptions(string output, string input, string method, string? target, IReadOnlyDictionary<string, string>? options,
        string? modelPath, Network? network) => new()
        {
            OutputColumnName = output,
            InputColumnName = input,
            ModelPath = modelPath,
            Network = network,
            Method = method,
            MethodOptions = options?.ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal) ?? new(StringComparer.Ordinal),
            TargetColumnName = target,
        };
}
