using System.CommandLine;
using System.Text.Json.Nodes;
using Attribution.Cli.Evaluation;
using Attribution.Cli.Shared;
using Microsoft.ML.Attribution.Graph;
using Microsoft.ML.Attribution.Metrics;
using Spectre.Console;

namespace Attribution.Cli.Commands;

/// <summary>
/// `attribution evaluate`: scores methods on a dataset with boxes. Every (image, class present) pair is explained for that class and scored
/// (pointing game with TorchRay's protocol and difficult subset, energy pointing game, deletion/insertion AUC). Method "center" is the
/// center baseline (pointing metrics only).
/// </summary>
internal static class EvaluateCommand
{
    public static Command Create()
    {
        var command = new Command("evaluate", "Score attribution methods on a dataset with boxes (pointing game, energy, deletion/insertion).");
        var model = new Option<string>("--model") { Description = "The ONNX image classifier.", Required = true };
        var dataset = new Option<string>("--dataset") { Description = "A PASCAL VOC folder, a CSV of boxes, or a COCO instances JSON.", Required = true };
        var classes = new Option<string?>("--classes") { Description = "Class names in the model's output order, one a line (default: the dataset's classes.txt, else the 20 VOC classes)." };
        var method = new Option<string[]>("--method") { Description = "Method names, or 'center' for the center baseline.", Arity = ArgumentArity.OneOrMore, AllowMultipleArgumentsPerToken = true, DefaultValueFactory = _ => ["gradient"] };
        var metric = new Option<string[]>("--metric") { Description = "pointing, energy-pointing, deletion, insertion.", Arity = ArgumentArity.OneOrMore, AllowMultipleArgumentsPerToken = true, DefaultValueFactory = _ => [MethodEvaluation.Pointing] };
        var tolerance = new Option<double>("--tolerance") { Description = "Pointing-game tolerance in pixels of the original image.", DefaultValueFactory = _ => PointingGame.DefaultTolerance };
        var json = new Option<string?>("--json") { Description = "Write the scores as JSON here." };
        var split = new Option<string?>("--split") { Description = "VOC split (default: test, else val, trainval, train)." };
        var images = new Option<string?>("--images") { Description = "Image folder for CSV/COCO datasets with relative paths." };
        var limit = new Option<int?>("--limit") { Description = "Use only the first N images." };
        var common = new CommonOptions();
        foreach (Option option in new Option[] { model, dataset, classes, method, metric, tolerance, json, split, images, limit })
            command.Options.Add(option);
        common.AddTo(command);
        command.SetAction(result => CommandRunner.Run(() =>
        {
            string[] methods = result.GetValue(method)!;
            string[] metrics = result.GetValue(metric)!;
            foreach (string m in metrics.Where(m => !MethodEvaluation.AllMetrics.Contains(m)))
                throw new CliUsageException($"Unknown metric '{m}'. Known: {string.Join(", ", MethodEvaluation.AllMetrics)}.");
            ExplainCommand.RequireMethods(methods.Where(m => m != CenterBaseline.MethodName));
            using Network network = ModelLoader.Load(result.GetValue(model)!, common.GetDevice(result));
            Preprocessing preprocessing = common.GetPreprocessing(result, ModelLoader.InputSize(network));
            MethodSettings settings = common.GetMethodSettings(result, methods);
            string datasetPath = result.GetValue(dataset)!;
            IReadOnlyList<string> classNames = DatasetLoader.ReadClasses(result.GetValue(classes), datasetPath);
            var (data, difficult, splitName) = DatasetLoader.Load(datasetPath, result.GetValue(split), result.GetValue(images), classNames);
            PairItems pairs = PairItems.Create(data, classNames, result.GetValue(limit));
            var evaluations = Evaluate(network, preprocessing, common.GetBatch(result), settings, pairs, methods, metrics.ToHashSet(),
                classNames, result.GetValue(tolerance), difficult);

            var table = new Table().AddColumn("method");
            foreach (string m in metrics)
                table.AddColumn(m);
            table.AddColumn("failed pairs");
            foreach (MethodEvaluation evaluation in evaluations)
                table.AddRow([evaluation.Method, .. metrics.Select(m => evaluation.Mean(m).ToString("F4")), evaluation.ErrorCount.ToString()]);
            AnsiConsole.Write(table);
            AnsiConsole.MarkupLine($"{pairs.Pairs.Count} (image, class) pairs from {pairs.Images.Count} images ({Markup.Escape(splitName)}).");

            if (result.GetValue(json) is string jsonPath)
            {
                JsonOutput.Write(jsonPath, new JsonObject
                {
                    ["model"] = Path.GetFullPath(result.GetValue(model)!),
                    ["dataset"] = Path.GetFullPath(datasetPath),
                    ["split"] = splitName,
                    ["classes"] = new JsonArray(classNames.Select(c => (JsonNode)c).ToArray()),
                    ["images"] = pairs.Images.Count,
                    ["pairs"] = pairs.Pairs.Count,
                    ["preprocessing"] = preprocessing.ToString(),
                    ["results"] = new JsonArray(evaluations.Select(e => (JsonNode)e.ToJson()).ToArray()),
                });
            }
            return 0;
        }));
        return command;
    }

    /// <summary>Explains every pair with every method and scores it; shared with the report.</summary>
    internal static List<MethodEvaluation> Evaluate(Network network, Preprocessing preprocessing, int batch, MethodSettings settings, PairItems pairs,
        IReadOnlyList<string> methods, IReadOnlySet<string> metrics, IReadOnlyList<string> classNames, double tolerance, DifficultPairs? difficult,
        Action<string, ExplainedRow>? onRow = null)
    {
        var runner = new ExplainRunner(network, preprocessing, batch);
        IReadOnlyList<InputItem> inputs = pairs.ToInputs();
        bool needPixels = metrics.Contains(MethodEvaluation.Deletion) || metrics.Contains(MethodEvaluation.Insertion);
        var evaluations = new List<MethodEvaluation>();
        CommandRunner.WithProgress(methods.Select(m => (m, inputs.Count)).ToList(), progressFor =>
        {
            for (int k = 0; k < methods.Count; k++)
            {
                var evaluation = new MethodEvaluation(methods[k], classNames, tolerance, difficult, metrics);
                evaluations.Add(evaluation);
                var clock = System.Diagnostics.Stopwatch.StartNew();
                if (methods[k] == CenterBaseline.MethodName)
                {
                    foreach (var (image, className, _) in pairs.Pairs)
                        evaluation.AddCenter(pairs.Images[image], className);
                    progressFor(k)(inputs.Count);
                    evaluation.Elapsed = clock.Elapsed;
                    continue;
                }
                // All pairs are image files, so rows stream in pair order and outcomes line up with the pairs.
                foreach (ExplainedRow row in runner.Run(inputs, methods[k], settings.For(methods[k]), pairs.Targets, progressFor(k), needPixels))
                {
                    var (image, className, _) = pairs.Pairs[row.Index];
                    if (!row.Ok)
                    {
                        evaluation.AddFailure(pairs.Images[image], className, row.Error);
                    }
                    else
                    {
                        float[] reduced = MapImages.Reduce(row, methods[k]);
                        evaluation.Add(pairs.Images[image], className, reduced, row.Height, row.Width, row.Pixels, network, row.Target);
                    }
                    onRow?.Invoke(methods[k], row);
                }
                evaluation.Elapsed = clock.Elapsed;
            }
        });
        return evaluations;
    }
}
