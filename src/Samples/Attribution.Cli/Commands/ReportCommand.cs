using System.CommandLine;
using System.Text.Json.Nodes;
using Attribution.Cli.Evaluation;
using Attribution.Cli.Report;
using Attribution.Cli.Shared;
using Microsoft.ML.Attribution.Graph;
using Microsoft.ML.Attribution.Imaging;
using Microsoft.ML.Attribution.Methods;
using Microsoft.ML.Attribution.Metrics;
using TorchSharp;
using Microsoft.ML.Attribution.Tensors;
using Spectre.Console;
using static TorchSharp.torch;

namespace Attribution.Cli.Commands;

/// <summary>
/// `attribution report` — and `attribution` with no arguments: the main job. Runs the bundled default models on the bundled VOC-layout sample,
/// explains every (image, class) pair with each method, plays the pointing game, and writes overlays plus report.html and results.json.
/// </summary>
internal static class ReportCommand
{
    /// <summary>The methods of the report when none are given: the baselines, then the seed methods once they are registered.</summary>
    public static readonly string[] PreferredMethods = ["gradient", "guided-backprop", "gradient-x-input", "lrp-epsilon-plus-flat", "dmbp", "rsp", "clrp", "sglrp"];

    /// <summary>Images per model in the default job: DMBP's 200 iterations dominate, and 16 images keep the job near two minutes per model.</summary>
    public const int DefaultLimit = 16;

    public static Command Create()
    {
        var command = new Command("report", "Run the default models on the sample images and write overlays and an HTML report (what `attribution` with no arguments does).");
        var models = new Option<string?>("--models") { Description = "A model-set JSON (default: the bundled assets/models/shapes_models.json)." };
        var dataset = new Option<string?>("--dataset") { Description = "A VOC-layout folder (default: the bundled assets/shapes-voc)." };
        var split = new Option<string?>("--split") { Description = "VOC split (default: test, else val, trainval, train)." };
        var method = new Option<string[]>("--method") { Description = "Methods (default: the registered ones of " + string.Join(", ", PreferredMethods) + ").", Arity = ArgumentArity.OneOrMore, AllowMultipleArgumentsPerToken = true };
        var output = new Option<string>("--out") { Description = "Output folder.", DefaultValueFactory = _ => "attribution-report" };
        var limit = new Option<int>("--limit") { Description = "Images evaluated per model (the first N of the split).", DefaultValueFactory = _ => DefaultLimit };
        var show = new Option<int>("--show") { Description = "Images shown in the gallery per model.", DefaultValueFactory = _ => 8 };
        var tolerance = new Option<double>("--tolerance") { Description = "Pointing-game tolerance in pixels of the original image.", DefaultValueFactory = _ => PointingGame.DefaultTolerance };
        var common = new CommonOptions();
        foreach (Option option in new Option[] { models, dataset, split, method, output, limit, show, tolerance })
            command.Options.Add(option);
        common.AddTo(command);
        command.SetAction(result => CommandRunner.Run(() => Run(new Settings(
            result.GetValue(models), result.GetValue(dataset), result.GetValue(split), result.GetValue(method), result.GetValue(output)!,
            result.GetValue(limit), result.GetValue(show), result.GetValue(tolerance)), result, common)));
        return command;
    }

    /// <summary>The main job with every default (the root command's action).</summary>
    public static int RunDefaults(ParseResult result) =>
        CommandRunner.Run(() => Run(new Settings(null, null, null, null, "attribution-report", DefaultLimit, 8, PointingGame.DefaultTolerance), result, null));

    private sealed record Settings(string? Models, string? Dataset, string? Split, string[]? Methods, string Output, int Limit, int Show, double Tolerance);

    private static int Run(Settings settings, ParseResult result, CommonOptions? common)
    {
        string? assets = settings.Models is null || settings.Dataset is null ? SampleAssets.Locate() : null;
        string modelsFile = settings.Models ?? Path.Combine(assets ?? throw MissingAssets(), "models", "shapes_models.json");
        string datasetPath = settings.Dataset ?? Path.Combine(assets ?? throw MissingAssets(), "shapes-voc");
        string[] methods = settings.Methods is { Length: > 0 } given ? given : PreferredMethods.Where(MethodRegistry.Contains).ToArray();
        ExplainCommand.RequireMethods(methods);
        MethodSettings methodSettings = common?.GetMethodSettings(result, methods) ?? MethodSettings.Parse([], methods);
        int batch = common?.GetBatch(result) ?? 16;
        ComputeDevice? device = common?.GetDevice(result);
        IReadOnlyList<ModelSpec> specs = ModelSetFile.Load(modelsFile);

        string output = Path.GetFullPath(settings.Output);
        Directory.CreateDirectory(output);
        var reportModels = new List<ReportModel>();
        var results = new JsonArray();
        foreach (ModelSpec spec in specs)
        {
            AnsiConsole.MarkupLine($"[bold]{Markup.Escape(spec.Name)}[/] ({Markup.Escape(spec.OnnxPath)})");
            using Network network = ModelLoader.Load(spec.OnnxPath, device);
            Preprocessing preprocessing = Preprocess(spec, network, result, common);
            IReadOnlyList<string> classes = spec.Classes ?? DatasetLoader.ReadClasses(null, datasetPath);
            var (data, difficult, split) = DatasetLoader.Load(datasetPath, settings.Split, null, classes);
            PairItems pairs = PairItems.Create(data, classes, settings.Limit);

            // The gallery shows the first images, each for its first class present.
            string imageFolder = Path.Combine(output, "images", Safe(spec.Name));
            Directory.CreateDirectory(imageFolder);
            var shown = new Dictionary<int, int>();
            for (int p = 0; p < pairs.Pairs.Count && shown.Count < settings.Show; p++)
                shown.TryAdd(pairs.Pairs[p].Image, p);
            var drawnPairs = shown.Values.ToHashSet();
            var drawn = new Dictionary<(int Pair, string Method), (string Map, string Overlay, string ColorBar, ScaledMap Scaled)>();
            foreach ((int image, _) in shown)
            {
                using Tensor original = ImageIO.Load(pairs.Images[image].Path);
                ImageIO.Save(Path.Combine(imageFolder, pairs.Images[image].Name + ".png"), original);
            }

            string[] evaluated = [.. methods, CenterBaseline.MethodName];
            List<MethodEvaluation> evaluations = EvaluateCommand.Evaluate(network, preprocessing, batch, methodSettings, pairs, evaluated,
                new HashSet<string> { MethodEvaluation.Pointing }, classes, settings.Tolerance, difficult, (method, row) =>
                {
                    if (!row.Ok || !drawnPairs.Contains(row.Index))
                        return;
                    var (image, _, _) = pairs.Pairs[row.Index];
                    string overlay = $"{pairs.Images[image].Name}.{method}.png", map = $"{pairs.Images[image].Name}.{method}.map.png";
                    ScaledMap scaled;
                    using (Tensor background = ImageIO.Load(pairs.Images[image].Path))
                        scaled = MapImages.WriteOverlay(Path.Combine(imageFolder, overlay), background, MapImages.Reduce(row, method), row.Height, row.Width,
                            Path.Combine(imageFolder, map));
                    string folder = $"images/{Safe(spec.Name)}/";
                    drawn[(row.Index, method)] = (folder + map, folder + overlay, folder + MapImages.WriteColorBar(imageFolder, scaled.Colormap), scaled);
                });

            var scores = evaluations.Select(e =>
            {
                PointingGameSummary summary = e.Game.Summarize();
                return new ReportScore(e.Method, summary.All.MeanAccuracy, summary.Difficult?.MeanAccuracy, summary.All.PooledAccuracy,
                    summary.All.Hits, summary.All.Misses, e.ErrorCount);
            }).ToList();
            var gallery = shown.Select(kv =>
            {
                var (image, className, _) = pairs.Pairs[kv.Value];
                var maps = methods.ToDictionary(m => m, m =>
                {
                    MethodEvaluation evaluation = evaluations.First(e => e.Method == m);
                    PointingOutcome? outcome = evaluation.Outcomes[kv.Value];
                    string text = outcome switch { PointingOutcome.Hit => "hit", PointingOutcome.Miss => "miss", PointingOutcome.Skipped => "skipped", _ => "failed" };
                    return drawn.TryGetValue((kv.Value, m), out var files)
                        ? new ReportMapCell(files.Map, files.Overlay, text, evaluation.Points[kv.Value], files.ColorBar, files.Scaled.Low, files.Scaled.High)
                        : new ReportMapCell(null, null, text, null, null, 0, 0);
                });
                return new ReportGalleryRow(pairs.Images[image].Name, $"images/{Safe(spec.Name)}/{pairs.Images[image].Name}.png", className, maps);
            }).ToList();
            reportModels.Add(new ReportModel(spec.Name, preprocessing.ToString(), pairs.Images.Count, pairs.Pairs.Count, settings.Tolerance, scores, methods, gallery));
            results.Add(new JsonObject
            {
                ["model"] = spec.Name,
                ["onnx"] = spec.OnnxPath,
                ["split"] = split,
                ["images"] = pairs.Images.Count,
                ["pairs"] = pairs.Pairs.Count,
                ["results"] = new JsonArray(evaluations.Select(e => (JsonNode)e.ToJson()).ToArray()),
            });

            var table = new Table().AddColumns("method", "pointing (all)", "pointing (difficult)", "failed");
            foreach (ReportScore score in scores)
                table.AddRow(score.Method, Percent(score.MeanAccuracy), score.DifficultAccuracy is double d ? Percent(d) : "–", score.Failed.ToString());
            AnsiConsole.Write(table);
        }

        JsonOutput.Write(Path.Combine(output, "results.json"), new JsonObject
        {
            ["dataset"] = Path.GetFullPath(datasetPath),
            ["tolerance"] = settings.Tolerance,
            ["methods"] = new JsonArray(methods.Select(m => (JsonNode)m).ToArray()),
            ["models"] = results,
        });
        string report = Path.Combine(output, "report.html");
        HtmlReport.Write(report, "Attribution report", $"Dataset {Path.GetFileName(Path.GetFullPath(datasetPath).TrimEnd('/'))}; methods {string.Join(", ", methods)} and the center baseline.", reportModels);
        AnsiConsole.MarkupLine($"Report: {Markup.Escape(report)}");
        return 0;
    }

    private static Preprocessing Preprocess(ModelSpec spec, Network network, ParseResult result, CommonOptions? common)
    {
        Preprocessing given = common?.GetPreprocessing(result, spec.Size ?? ModelLoader.InputSize(network))
            ?? new Preprocessing(spec.Size ?? (ModelLoader.InputSize(network) is int s and > 0 ? s : 224), null, null);
        return given with { Mean = given.Mean ?? spec.Mean, Std = given.Std ?? spec.Std };
    }

    private static CliUsageException MissingAssets() =>
        new("The bundled sample assets were not found (src/Samples/assets/models/shapes_models.json and shapes-voc/). Give --models and --dataset, " +
            "or run from the repository.");

    private static string Safe(string name) => string.Concat(name.Select(c => char.IsLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_'));

    private static string Percent(double value) => double.IsFinite(value) ? $"{100 * value:F1} %" : "–";
}
