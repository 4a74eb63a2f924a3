using System.CommandLine;
using System.Text.Json.Nodes;
using Attribution.Cli.Bench;
using Attribution.Cli.Shared;
using Microsoft.ML.Attribution.Torch;
using Spectre.Console;

namespace Attribution.Cli.Commands;

/// <summary>
/// `attribution bench TASK`: times our side and Debian's PyTorch alternately in one run and reports the ratio.
/// Tasks: conv-stack (VGG16's conv/pool stack through the binding).
/// `attribution bench --model F --method NAME...`: times attribution methods on a model instead (see <see cref="MethodBench"/>).
/// </summary>
internal static class BenchCommand
{
    public static Command Create()
    {
        var command = new Command("bench", "Time a workload through Microsoft.ML.Attribution and through Debian's PyTorch, alternately.");
        var task = new Argument<string>("task") { Description = "conv-stack (omit with --model)", Arity = ArgumentArity.ZeroOrOne, DefaultValueFactory = _ => "" };
        var model = new Option<string?>("--model") { Description = "Time attribution methods on this ONNX model instead of an engine task." };
        var method = new Option<string[]>("--method") { Description = "Methods to time with --model.", Arity = ArgumentArity.OneOrMore, AllowMultipleArgumentsPerToken = true, DefaultValueFactory = _ => ["gradient"] };
        var repeat = new Option<int>("--repeat") { Description = "Timed calls per method with --model.", DefaultValueFactory = _ => 5 };
        var json = new Option<string?>("--json") { Description = "Write the timings as JSON here (with --model)." };
        var settings = new Option<string[]>("--option") { Description = "method.key=value (with --model, repeatable).", Arity = ArgumentArity.ZeroOrMore, DefaultValueFactory = _ => [] };
        var batch = new Option<int>("--batch") { Description = "Batch size.", DefaultValueFactory = _ => 1 };
        var size = new Option<int?>("--size") { Description = "Input height and width (default 224; with --model, the model's size)." };
        var rounds = new Option<int>("--rounds") { Description = "Alternating rounds (ours, then torch).", DefaultValueFactory = _ => 5 };
        var iterations = new Option<int>("--iters") { Description = "Timed calls per side per round.", DefaultValueFactory = _ => 3 };
        var threads = new Option<int>("--threads") { Description = "Threads for both sides.", DefaultValueFactory = _ => Environment.ProcessorCount };
        var noTorch = new Option<bool>("--no-torch") { Description = "Skip the PyTorch reference." };
        command.Arguments.Add(task);
        foreach (Option option in new Option[] { batch, size, rounds, iterations, threads, noTorch, model, method, repeat, json, settings }) command.Options.Add(option);
        command.SetAction(result =>
        {
            string name = result.GetValue(task)!;
            torch.set_num_threads(result.GetValue(threads));
            if (result.GetValue(model) is string modelPath)
            {
                string[] methods = result.GetValue(method)!;
                return CommandRunner.Run(() => MethodBench.Run(modelPath, methods, Math.Max(1, result.GetValue(batch)), result.GetValue(size),
                    Math.Max(1, result.GetValue(repeat)), result.GetValue(json), MethodSettings.Parse(result.GetValue(settings)!, methods)));
            }
            int b = result.GetValue(batch), s = result.GetValue(size) ?? 224, r = result.GetValue(rounds), n = result.GetValue(iterations), t = result.GetValue(threads);
            Func<IDisposable>? workload = name switch
            {
                "conv-stack" => () => new VggConvStack(b, s),
                _ => null,
            };
            if (workload is null)
            {
                Console.Error.WriteLine($"Unknown bench task '{name}'. Known: conv-stack; or give --model to time attribution methods.");
                return 2;
            }
            var request = new JsonObject { ["task"] = "vgg16-convs", ["batch"] = b, ["size"] = s, ["iters"] = n, ["threads"] = t };
            Run(name, (VggConvStack)workload(), stack => stack.Run(), request, r, n, !result.GetValue(noTorch));
            return 0;
        });
        return command;
    }

    private static void Run<T>(string name, T workload, Action<T> once, JsonObject torchRequest, int rounds, int iterations, bool withTorch)
        where T : IDisposable
    {
        using (workload)
        using (TorchReference? reference = withTorch ? TorchReference.Start() : null)
        {
            var ours = new List<double>();
            var theirs = new List<double>();
            once(workload); // warm-up
            for (int round = 0; round < rounds; round++)
            {
                ours.AddRange(Timing.Measure(() => once(workload), iterations));
                if (reference != null) theirs.AddRange(reference.Time(torchRequest));
            }
            double a = Timing.Median(ours), b = Timing.Median(theirs);
            var table = new Table().AddColumns("task", "threads", "ours (s)", "torch (s)", "ours / torch");
            table.AddRow(name, torch.get_num_threads().ToString(), a.ToString("F4"),
                reference != null ? b.ToString("F4") : "-", reference != null ? (a / b).ToString("F3") : "-");
            AnsiConsole.Write(table);
        }
    }
}
