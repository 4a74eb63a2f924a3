using System.Text.Json.Nodes;
using Attribution.Cli.Shared;
using Microsoft.ML.Attribution.Datasets;
using Microsoft.ML.Attribution.Graph;
using Microsoft.ML.Attribution.Imaging;
using Microsoft.ML.Attribution.Metrics;
using TorchSharp;
using Microsoft.ML.Attribution.Tensors;
using static TorchSharp.torch;

namespace Attribution.Cli.Evaluation;

/// <summary>
/// Accumulates one method's metrics over (image, class) pairs. Maps are resized back to the original image (bilinear) before the pointing
/// game and the energy game, as the TorchRay protocol does; deletion and insertion run at the model's input resolution.
/// </summary>
internal sealed class MethodEvaluation
{
    public const string Pointing = "pointing";
    public const string EnergyPointing = "energy-pointing";
    public const string Deletion = "deletion";
    public const string Insertion = "insertion";
    public static readonly string[] AllMetrics = [Pointing, EnergyPointing, Deletion, Insertion];

    private readonly IReadOnlySet<string> _metrics;
    private readonly List<double> _energy = [], _deletion = [], _insertion = [];
    private readonly List<(string Pair, string Error)> _errors = [];

    public MethodEvaluation(string method, IReadOnlyList<string> classes, double tolerance, DifficultPairs? difficult, IReadOnlySet<string> metrics)
    {
        Method = method;
        _metrics = metrics;
        Game = new PointingGame(classes, tolerance, difficult);
    }

    public string Method { get; }

    public PointingGame Game { get; }

    /// <summary>Wall time of explaining and scoring every pair with this method.</summary>
    public TimeSpan Elapsed { get; set; }

    /// <summary>The outcome of each pair added, in order (null when the pair failed or the pointing game was not asked for).</summary>
    public List<PointingOutcome?> Outcomes { get; } = [];

    /// <summary>Where each pair's map points, as fractions (column, row) of its image's width and height; null where nothing was pointed at.</summary>
    public List<(double Column, double Row)?> Points { get; } = [];

    public void AddFailure(AnnotatedImage image, string className, string error)
    {
        _errors.Add(($"{image.Name}/{className}", error));
        Outcomes.Add(null);
        Points.Add(null);
    }

    /// <summary>Scores a reduced map [H, W] (model input resolution) of one pair.</summary>
    public void Add(AnnotatedImage image, string className, float[] map, int height, int width, float[]? pixels, Network? network, int target)
    {
        using DisposeScope scope = NewDisposeScope();
        AnnotatedImage sized = WithSize(image);
        Tensor original = ImageResize.Resize(tensor(map, [height, width]), sized.Height, sized.Width);
        PointingOutcome? outcome = null;
        (double, double)? point = null;
        if (_metrics.Contains(Pointing))
        {
            PointingResult result = Game.Add(sized, className, original);
            outcome = result.All;
            point = ((result.Point.Column + 0.5) / sized.Width, (result.Point.Row + 0.5) / sized.Height);
        }
        if (_metrics.Contains(EnergyPointing))
            _energy.Add(EnergyPointingGame.Score(sized, className, ToArray(original)));
        if (pixels is not null && network is not null && (_metrics.Contains(Deletion) || _metrics.Contains(Insertion)))
        {
            (double? deleted, double? inserted) = PerturbationAuc.Compute(network, pixels, map, height, width, target, _metrics.Contains(Deletion), _metrics.Contains(Insertion));
            if (deleted is double d) _deletion.Add(d);
            if (inserted is double i) _insertion.Add(i);
        }
        Outcomes.Add(outcome);
        Points.Add(point);
    }

    /// <summary>The center baseline: the point (W/2, H/2) and a centered map, no model involved.</summary>
    public void AddCenter(AnnotatedImage image, string className)
    {
        AnnotatedImage sized = WithSize(image);
        PointingOutcome? outcome = null;
        if (_metrics.Contains(Pointing))
            outcome = Game.Add(sized, className, CenterBaseline.Point(sized.Width, sized.Height)).All;
        if (_metrics.Contains(EnergyPointing))
            _energy.Add(EnergyPointingGame.Score(sized, className, CenterBaseline.CreateMap(sized.Width, sized.Height)));
        Outcomes.Add(outcome);
        Points.Add(null);
    }

    public JsonObject ToJson()
    {
        var metrics = new JsonObject();
        if (_metrics.Contains(Pointing))
        {
            PointingGameSummary summary = Game.Summarize();
            metrics[Pointing] = new JsonObject
            {
                ["tolerance"] = summary.Tolerance,
                ["all"] = ScoreJson(summary.All),
                ["difficult"] = summary.Difficult is null ? null : ScoreJson(summary.Difficult),
            };
        }
        if (_metrics.Contains(EnergyPointing))
            metrics[EnergyPointing] = MeanJson(_energy, "meanEnergy");
        if (_metrics.Contains(Deletion))
            metrics[Deletion] = MeanJson(_deletion, "meanAuc");
        if (_metrics.Contains(Insertion))
            metrics[Insertion] = MeanJson(_insertion, "meanAuc");
        return new JsonObject
        {
            ["method"] = Method,
            ["seconds"] = JsonOutput.Number(Elapsed.TotalSeconds),
            ["metrics"] = metrics,
            ["errors"] = new JsonArray(_errors.Select(e => (JsonNode)new JsonObject { ["pair"] = e.Pair, ["error"] = e.Error }).ToArray()),
        };
    }

    public double Mean(string metric) => metric switch
    {
        Pointing => Game.Summarize().All.MeanAccuracy,
        EnergyPointing => _energy.Count == 0 ? double.NaN : _energy.Average(),
        Deletion => _deletion.Count == 0 ? double.NaN : _deletion.Average(),
        Insertion => _insertion.Count == 0 ? double.NaN : _insertion.Average(),
        _ => double.NaN,
    };

    public int ErrorCount => _errors.Count;

    /// <summary>The image with its pixel size, read from the file when the annotation has none.</summary>
    internal static AnnotatedImage WithSize(AnnotatedImage image)
    {
        if (image.HasKnownSize)
            return image;
        using Tensor loaded = ImageIO.Load(image.Path);
        return image with { Width = (int)loaded.shape[1], Height = (int)loaded.shape[0] };
    }

    private static float[,] ToArray(Tensor map)
    {
        int height = (int)map.shape[0], width = (int)map.shape[1];
        float[] flat = map.contiguous().ToArray<float>();
        var result = new float[height, width];
        Buffer.BlockCopy(flat, 0, result, 0, flat.Length * sizeof(float));
        return result;
    }

    private static JsonObject ScoreJson(PointingGameScore score) => new()
    {
        ["meanAccuracy"] = JsonOutput.Number(score.MeanAccuracy),
        ["pooledAccuracy"] = JsonOutput.Number(score.PooledAccuracy),
        ["hits"] = score.Hits,
        ["misses"] = score.Misses,
        ["perClass"] = new JsonObject(score.Classes.Select(c => KeyValuePair.Create(c.ClassName,
            (JsonNode?)new JsonObject { ["hits"] = c.Hits, ["misses"] = c.Misses, ["accuracy"] = c.Accuracy is double a ? JsonOutput.Number(a) : null }))),
    };

    private static JsonObject MeanJson(List<double> values, string name) => new()
    {
        [name] = values.Count == 0 ? null : JsonOutput.Number(values.Average()),
        ["pairs"] = values.Count,
    };
}
