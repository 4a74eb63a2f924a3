using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Attribution.Cli.Shared;
using Microsoft.ML.Attribution.Graph;
using Microsoft.ML.Attribution.Imaging;
using Microsoft.ML.Attribution.Maps;
using Microsoft.ML.Attribution.Methods;
using TorchSharp;
using Microsoft.ML.Attribution.Tensors;
using Spectre.Console;
using static TorchSharp.torch;

namespace Attribution.Cli.Commands;

/// <summary>
/// `attribution explain`: attribution maps for images (files, folders) or .npy inputs [N,C,H,W] (used as-is), for one or more methods.
/// Writes &lt;stem&gt;.&lt;method&gt;.png overlays, with --npy &lt;stem&gt;.&lt;method&gt;.npy raw maps [N,C,H,W] float32, and results.json.
/// </summary>
internal static class ExplainCommand
{
    public static Command Create()
    {
        var command = new Command("explain", "Compute attribution maps for images or .npy inputs and write overlays (and raw maps).");
        var model = new Option<string>("--model") { Description = "The ONNX image classifier.", Required = true };
        var input = new Option<string[]>("--input") { Description = "Image files, folders, or .npy float32 tensors [N,C,H,W] (used as-is).", Required = true, Arity = ArgumentArity.OneOrMore, AllowMultipleArgumentsPerToken = true };
        var method = new Option<string[]>("--method") { Description = "Method names (see `attribution methods`).", Arity = ArgumentArity.OneOrMore, AllowMultipleArgumentsPerToken = true, DefaultValueFactory = _ => ["gradient"] };
        var target = new Option<string>("--target") { Description = "top1, or a class index explained for every input.", DefaultValueFactory = _ => "top1" };
        var output = new Option<string>("--out") { Description = "Output folder.", DefaultValueFactory = _ => "attribution-out" };
        var npy = new Option<bool>("--npy") { Description = "Also write the raw maps [N,C,H,W] float32 (before channel reduction) as .npy." };
        var figure = new Option<bool>("--figure") { Description = "Also write <stem>.figure.png per image: the image, then its overlay by each method, in a row." };
        var common = new CommonOptions();
        foreach (Option option in new Option[] { model, input, method, target, output, npy, figure })
            command.Options.Add(option);
        common.AddTo(command);
        command.SetAction(result => CommandRunner.Run(() => Run(
            result.GetValue(model)!, result.GetValue(input)!, result.GetValue(method)!, result.GetValue(target)!, result.GetValue(output)!,
            result.GetValue(npy), result.GetValue(figure), common.GetBatch(result), result, common)));
        return command;
    }

    private static int Run(string modelPath, string[] inputs, string[] methods, string targetText, string outputFolder, bool writeNpy, bool writeFigure,
        int batch, ParseResult result, CommonOptions common)
    {
        RequireMethods(methods);
        using Network network = ModelLoader.Load(modelPath, common.GetDevice(result));
        Preprocessing preprocessing = common.GetPreprocessing(result, ModelLoader.InputSize(network));
        MethodSettings settings = common.GetMethodSettings(result, methods);
        IReadOnlyList<InputItem> items = InputCollector.Collect(inputs);
        IReadOnlyList<int>? targets = ParseTarget(targetText, items.Count, ModelLoader.ClassCount(network));
        Directory.CreateDirectory(outputFolder);

        var runner = new ExplainRunner(network, preprocessing, batch);
        var perItem = items.Select(_ => new JsonObject()).ToArray();
        int failures = 0;
        CommandRunner.WithProgress(methods.Select(m => (m, items.Count)).ToList(), progressFor =>
        {
            for (int k = 0; k < methods.Length; k++)
            {
                string name = methods[k];
                var groups = new Dictionary<string, SortedDictionary<int, ExplainedRow>>(StringComparer.Ordinal);
                foreach (ExplainedRow row in runner.Run(items, name, settings.For(name), targets, progressFor(k)))
                {
                    InputItem item = items[row.Index];
                    var entry = new JsonObject
                    {
                        ["target"] = row.Ok ? JsonValue.Create(row.Target) : null,
                        ["logit"] = row.Ok ? JsonOutput.Number(row.Logit) : null,
                        ["seconds"] = Math.Round(row.Seconds, 6),
                        ["error"] = row.Ok ? null : row.Error,
                    };
                    if (row.Ok)
                    {
                        string overlay = $"{item.Name}.{name}.png", map = $"{item.Name}.{name}.map.png";
                        ScaledMap scaled;
                        using (Tensor background = MapImages.Background(item))
                            scaled = MapImages.WriteOverlay(Path.Combine(outputFolder, overlay), background, MapImages.Reduce(row, name), row.Height, row.Width,
                                Path.Combine(outputFolder, map));
                        entry["overlay"] = overlay;
                        entry["map"] = map;
                        entry["colormap"] = scaled.Colormap.ToString();
                        entry["colorLimits"] = new JsonArray((double)scaled.Low, (double)scaled.High);
                        if (writeNpy && item.IsImage)
                            entry["npy"] = WriteNpy(outputFolder, item.Name, name, [row]);
                    }
                    else
                    {
                        failures++;
                    }
                    if (writeNpy && !item.IsImage)
                    {
                        if (!groups.TryGetValue(item.Source, out SortedDictionary<int, ExplainedRow>? rows))
                            groups[item.Source] = rows = new SortedDictionary<int, ExplainedRow>();
                        rows[item.NpyIndex!.Value] = row;
                    }
                    perItem[row.Index][name] = entry;
                }
                foreach ((string source, SortedDictionary<int, ExplainedRow> rows) in groups)
                {
                    string? file = WriteNpy(outputFolder, Path.GetFileNameWithoutExtension(source), name, rows.Values.ToList());
                    foreach (ExplainedRow row in rows.Values)
                    {
                        if (file is not null)
                        {
                            perItem[row.Index][name]!["npy"] = file;
                            perItem[row.Index][name]!["npyIndex"] = items[row.Index].NpyIndex;
                        }
                    }
                }
            }
        });
        if (writeFigure)
        {
            for (int i = 0; i < items.Count; i++)
            {
                string[] overlays = methods.Select(m => (string?)perItem[i][m]?["overlay"]).Where(o => o is not null).Select(o => Path.Combine(outputFolder, o!)).ToArray();
                if (overlays.Length == 0) continue;
                string file = $"{items[i].Name}.figure.png";
                MapImages.WriteRow(Path.Combine(outputFolder, file), [MapImages.Background(items[i]), .. overlays.Select(ImageIO.Load)]);
                perItem[i]["figure"] = file;
            }
        }

        var document = new JsonObject
        {
            ["model"] = Path.GetFullPath(modelPath),
            ["preprocessing"] = new JsonObject
            {
                ["size"] = preprocessing.Size,
                ["mean"] = preprocessing.Mean is null ? null : new JsonArray(preprocessing.Mean.Select(v => (JsonNode)v).ToArray()),
                ["std"] = preprocessing.Std is null ? null : new JsonArray(preprocessing.Std.Select(v => (JsonNode)v).ToArray()),
            },
            ["target"] = targetText,
            ["methods"] = new JsonArray(methods.Select(m => (JsonNode)m).ToArray()),
            ["items"] = new JsonArray(items.Select((item, i) => (JsonNode)new JsonObject
            {
                ["name"] = item.Name,
                ["source"] = item.Source,
                ["npyIndex"] = item.NpyIndex,
                ["results"] = perItem[i],
            }).ToArray()),
        };
        JsonOutput.Write(Path.Combine(outputFolder, "results.json"), document);
        PrintSummary(items, methods, perItem);
        AnsiConsole.MarkupLine($"Wrote {Markup.Escape(Path.GetFullPath(outputFolder))} ({items.Count} inputs × {methods.Length} methods, {failures} failed).");
        return failures == items.Count * methods.Length ? 1 : 0;
    }

    internal static void RequireMethods(IEnumerable<string> methods)
    {
        foreach (string method in methods)
        {
            if (!MethodRegistry.Contains(method))
                throw new CliUsageException($"Unknown method '{method}'. Known: {string.Join(", ", MethodRegistry.Names)}.");
        }
    }

    private static IReadOnlyList<int>? ParseTarget(string text, int count, int classes) =>
        ParseClassTarget(text, classes) is int target ? Enumerable.Repeat(target, count).ToArray() : null;

    /// <summary>--target: null for top1, else the class index (checked against the model's class count when known).</summary>
    internal static int? ParseClassTarget(string text, int classes)
    {
        if (text.Trim().Equals("top1", StringComparison.OrdinalIgnoreCase))
            return null;
        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int target) || target < 0 || (classes > 0 && target >= classes))
            throw new CliUsageException($"--target must be top1 or a class index{(classes > 0 ? $" in 0–{classes - 1}" : "")}; got '{text}'.");
        return target;
    }

    /// <summary>Writes maps [N,C,H,W] float32; rows that failed are NaN. Returns the file name, or null if no row has a map.</summary>
    private static string? WriteNpy(string folder, string stem, string method, IReadOnlyList<ExplainedRow> rows)
    {
        ExplainedRow? first = rows.FirstOrDefault(r => r.Ok);
        if (first is null)
            return null;
        int length = first.Map.Length;
        var data = new float[rows.Count * length];
        for (int i = 0; i < rows.Count; i++)
        {
            if (rows[i].Ok && rows[i].Map.Length == length)
                rows[i].Map.CopyTo(data, i * length);
            else
                Array.Fill(data, float.NaN, i * length, length);
        }
        string file = $"{stem}.{method}.npy";
        using Tensor maps = tensor(data, [rows.Count, first.Channels, first.Height, first.Width]);
        Npy.Save(Path.Combine(folder, file), maps);
        return file;
    }

    private static void PrintSummary(IReadOnlyList<InputItem> items, string[] methods, JsonObject[] perItem)
    {
        var table = new Table().AddColumn("input");
        foreach (string method in methods)
            table.AddColumn(method);
        for (int i = 0; i < Math.Min(items.Count, 20); i++)
        {
            var cells = new List<string> { Markup.Escape(items[i].Name) };
            foreach (string method in methods)
            {
                JsonNode? entry = perItem[i][method];
                cells.Add(entry?["error"] is JsonNode error
                    ? $"[red]{Markup.Escape(Shorten((string)error!))}[/]"
                    : $"class {entry?["target"]}, logit {(double?)entry?["logit"]:F2}, {(double?)entry?["seconds"]:F3} s");
            }
            table.AddRow(cells.ToArray());
        }
        AnsiConsole.Write(table);
        if (items.Count > 20)
            AnsiConsole.MarkupLine($"… and {items.Count - 20} more in results.json");
    }

    private static string Shorten(string text) => text.Length <= 60 ? text : text[..57] + "...";
}
