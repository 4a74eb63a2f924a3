using System.CommandLine;
using System.Text.Json.Nodes;
using Attribution.Cli.Shared;
using Microsoft.ML.Attribution.Graph;
using Microsoft.ML.Attribution.Metrics;
using TorchSharp;
using Microsoft.ML.Attribution.Tensors;
using Spectre.Console;
using static TorchSharp.torch;

namespace Attribution.Cli.Commands;

/// <summary>
/// `attribution sanity`: the sanity checks of methods.md §4.3. <b>randomization</b>: cascading parameter randomization (Adebayo et al.) —
/// layers with parameters are re-initialized from the top down, weights ~ N(0, 0.1²) and biases set to 0 (re-drawing biases would also
/// re-draw batch-norm running variances, which must stay positive), and after each layer the maps are compared with the trained model's.
/// <b>class-sensitivity</b>: maps for the top-1 class and the min-logit class are compared. Similarity: Spearman (signed and absolute),
/// SSIM (window 5), HOG-Pearson, on maps normalized by their max |value|.
/// </summary>
internal static class SanityCommand
{
    public const string Randomization = "randomization";
    public const string ClassSensitivityTest = "class-sensitivity";

    public static Command Create()
    {
        var command = new Command("sanity", "Sanity checks: cascading model randomization or class sensitivity.");
        var model = new Option<string>("--model") { Description = "The ONNX image classifier.", Required = true };
        var input = new Option<string[]>("--input") { Description = "Image files, folders, or .npy float32 tensors [N,C,H,W].", Required = true, Arity = ArgumentArity.OneOrMore, AllowMultipleArgumentsPerToken = true };
        var method = new Option<string[]>("--method") { Description = "Method names.", Arity = ArgumentArity.OneOrMore, AllowMultipleArgumentsPerToken = true, DefaultValueFactory = _ => ["gradient"] };
        var test = new Option<string>("--test") { Description = "randomization or class-sensitivity.", Required = true };
        test.AcceptOnlyFromAmong(Randomization, ClassSensitivityTest);
        var json = new Option<string?>("--json") { Description = "Write the similarities as JSON here." };
        var seed = new Option<long>("--seed") { Description = "Seed of the re-initialization.", DefaultValueFactory = _ => 12 };
        var common = new CommonOptions();
        foreach (Option option in new Option[] { model, input, method, test, json, seed })
            command.Options.Add(option);
        common.AddTo(command);
        command.SetAction(result => CommandRunner.Run(() =>
        {
            string[] methods = result.GetValue(method)!;
            ExplainCommand.RequireMethods(methods);
            using Network network = ModelLoader.Load(result.GetValue(model)!, common.GetDevice(result));
            Preprocessing preprocessing = common.GetPreprocessing(result, ModelLoader.InputSize(network));
            MethodSettings settings = common.GetMethodSettings(result, methods);
            IReadOnlyList<InputItem> items = InputCollector.Collect(result.GetValue(input)!);
            int batch = common.GetBatch(result);
            string testName = result.GetValue(test)!;
            JsonArray results = testName == Randomization
                ? RunRandomization(network, preprocessing, batch, settings, items, methods, result.GetValue(seed))
                : RunClassSensitivity(network, preprocessing, batch, settings, items, methods);
            if (result.GetValue(json) is string jsonPath)
            {
                JsonOutput.Write(jsonPath, new JsonObject
                {
                    ["model"] = Path.GetFullPath(result.GetValue(model)!),
                    ["test"] = testName,
                    ["inputs"] = items.Count,
                    ["preprocessing"] = preprocessing.ToString(),
                    ["results"] = results,
                });
            }
            return 0;
        }));
        return command;
    }

    private static readonly SimilarityOptions Similarity = new() { SsimWindowSize = 5 };

    private static JsonArray RunClassSensitivity(Network network, Preprocessing preprocessing, int batch, MethodSettings settings, IReadOnlyList<InputItem> items, string[] methods)
    {
        var runner = new ExplainRunner(network, preprocessing, batch);
        var results = new JsonArray();
        var table = new Table().AddColumns("method", "spearman", "spearman |·|", "ssim", "hog-pearson", "images");
        foreach (string method in methods)
        {
            // Top-1 maps first; their inputs give the logits from which the contrast class is the least likely one.
            var top = runner.Run(items, method, settings.For(method), null, withPixels: true).ToDictionary(r => r.Index);
            var contrastClass = new int[items.Count];
            foreach (ExplainedRow row in top.Values.Where(r => r.Ok))
            {
                using DisposeScope scope = NewDisposeScope();
                using IDisposable grad = no_grad();
                Tensor logits = network.ForwardLogits(tensor(row.Pixels!, [1, row.Pixels!.Length / (row.Height * row.Width), row.Height, row.Width]));
                contrastClass[row.Index] = ClassSensitivity.ChooseClasses(logits).ContrastClass;
            }
            var contrast = runner.Run(items, method, settings.For(method), contrastClass).ToDictionary(r => r.Index);
            var scores = new List<SimilarityScores>();
            var errors = new JsonArray();
            for (int i = 0; i < items.Count; i++)
            {
                if (!top[i].Ok || !contrast[i].Ok)
                {
                    errors.Add(new JsonObject { ["input"] = items[i].Name, ["error"] = top[i].Ok ? contrast[i].Error : top[i].Error });
                    continue;
                }
                scores.Add(ClassSensitivity.Compare(To2D(MapImages.Reduce(top[i], method), top[i]), To2D(MapImages.Reduce(contrast[i], method), contrast[i]), Similarity));
            }
            JsonObject metrics = MeanScores(scores);
            results.Add(new JsonObject { ["method"] = method, ["metrics"] = metrics, ["images"] = scores.Count, ["errors"] = errors });
            table.AddRow(method, F(metrics["spearman"]), F(metrics["spearmanAbsolute"]), F(metrics["ssim"]), F(metrics["hogPearson"]), scores.Count.ToString());
        }
        AnsiConsole.Write(table);
        return results;
    }

    private static JsonArray RunRandomization(Network network, Preprocessing preprocessing, int batch, MethodSettings settings, IReadOnlyList<InputItem> items,
        string[] methods, long seed)
    {
        Layer[] layers = network.Layers.Where(l => l.Parameters.Any(p => p.name == "weight")).Reverse().ToArray();
        var results = new JsonArray();
        foreach (string method in methods)
        {
            var original = new ExplainRunner(network, preprocessing, batch).Run(items, method, settings.For(method), null).ToDictionary(r => r.Index);
            int[] targets = Enumerable.Range(0, items.Count).Select(i => Math.Max(0, original[i].Target)).ToArray();
            var steps = new JsonArray();
            var table = new Table().AddColumns("randomized down to", "spearman", "spearman |·|", "ssim", "hog-pearson");
            using (Network randomized = network.Clone())
            {
                for (int k = 0; k < layers.Length; k++)
                {
                    randomized.ReinitializeParameters(layers[k].Name, 0.1, seed + k, biasesToo: false);
                    var maps = new ExplainRunner(randomized, preprocessing, batch).Run(items, method, settings.For(method), targets).ToDictionary(r => r.Index);
                    var scores = Enumerable.Range(0, items.Count).Where(i => original[i].Ok && maps[i].Ok)
                        .Select(i => MapSimilarity.Compare(To2D(MapImages.Reduce(original[i], method), original[i]), To2D(MapImages.Reduce(maps[i], method), maps[i]), Similarity))
                        .ToList();
                    JsonObject metrics = MeanScores(scores);
                    steps.Add(new JsonObject { ["layer"] = layers[k].Name, ["metrics"] = metrics, ["images"] = scores.Count });
                    table.AddRow(Markup.Escape(layers[k].Name), F(metrics["spearman"]), F(metrics["spearmanAbsolute"]), F(metrics["ssim"]), F(metrics["hogPearson"]));
                }
            }
            AnsiConsole.MarkupLine($"[bold]{Markup.Escape(method)}[/]: similarity to the trained model's maps");
            AnsiConsole.Write(table);
            results.Add(new JsonObject { ["method"] = method, ["layers"] = steps });
        }
        return results;
    }

    private static float[,] To2D(float[] map, ExplainedRow row)
    {
        var result = new float[row.Height, row.Width];
        Buffer.BlockCopy(map, 0, result, 0, map.Length * sizeof(float));
        return result;
    }

    private static JsonObject MeanScores(List<SimilarityScores> scores)
    {
        double Mean(Func<SimilarityScores, double> pick) => scores.Count == 0 ? double.NaN : scores.Select(pick).Where(double.IsFinite).DefaultIfEmpty(double.NaN).Average();
        return new JsonObject
        {
            ["spearman"] = JsonOutput.Number(Mean(s => s.Spearman)),
            ["spearmanAbsolute"] = JsonOutput.Number(Mean(s => s.SpearmanAbsolute)),
            ["ssim"] = JsonOutput.Number(Mean(s => s.Ssim)),
            ["hogPearson"] = JsonOutput.Number(Mean(s => s.HogPearson)),
        };
    }

    private static string F(JsonNode? value) => value is null ? "n/a" : ((double)value).ToString("F3");
}
