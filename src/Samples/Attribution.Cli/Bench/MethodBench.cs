using System.Text.Json.Nodes;
using Attribution.Cli.Shared;
using Microsoft.ML.Attribution.Graph;
using Microsoft.ML.Attribution.Methods;
using Microsoft.ML.Attribution.Torch;
using Spectre.Console;
using static Microsoft.ML.Attribution.Torch.torch;

namespace Attribution.Cli.Bench;

/// <summary>
/// `attribution bench --model F --method NAME...`: seconds per batch of each method on a fixed random input [batch, C, size, size]
/// (one warm-up call, then the median of --repeat calls). Random inputs: what is timed does not depend on image content.
/// </summary>
internal static class MethodBench
{
    public static int Run(string modelPath, string[] methods, int batch, int? size, int repeat, string? jsonPath, MethodSettings settings)
    {
        ExplainCommandMethods(methods);
        using Network network = ModelLoader.Load(modelPath);
        int side = size ?? (ModelLoader.InputSize(network) is int s and > 0 ? s : 224);
        long channels = network.Inputs[0].Shape[0] > 0 ? network.Inputs[0].Shape[0] : 3;
        using var generator = new Generator(0);
        using Tensor input = randn([batch, channels, side, side], generator);
        var table = new Table().AddColumns("method", "batch", "size", "median s / batch", "s / image");
        var results = new JsonArray();
        foreach (string name in methods)
        {
            using IAttributionMethod method = MethodRegistry.Create(name, network, settings.For(name));
            void Once()
            {
                using AttributionMap map = method.Attribute(input);
            }
            Once();
            double median = Timing.Median(Timing.Measure(Once, repeat));
            table.AddRow(name, batch.ToString(), side.ToString(), median.ToString("F4"), (median / batch).ToString("F4"));
            results.Add(new JsonObject { ["method"] = name, ["batch"] = batch, ["size"] = side, ["repeat"] = repeat, ["medianSeconds"] = median, ["secondsPerImage"] = median / batch });
        }
        AnsiConsole.Write(table);
        if (jsonPath is not null)
            JsonOutput.Write(jsonPath, new JsonObject { ["model"] = Path.GetFullPath(modelPath), ["threads"] = get_num_threads(), ["results"] = results });
        return 0;
    }

    private static void ExplainCommandMethods(IEnumerable<string> methods) => Commands.ExplainCommand.RequireMethods(methods);
}
