using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Attribution.Cli.Bench;
using Attribution.Cli.Shared;
using TorchSharp;
using static TorchSharp.torch;
using Microsoft.ML.Attribution.Tensors;
using Spectre.Console;

namespace Attribution.Cli.Commands;

/// <summary>
/// `attribution bench TASK`: times our side and Debian's PyTorch alternately in one run (same threads, same inputs'
/// shapes) and reports medians and the ratio. Tasks: conv-stack, forward (--model), method (--model, --method).
/// </summary>
internal static class BenchCommand
{
    public static Command Create()
    {
        var command = new Command("bench", "Time a workload through Microsoft.ML.Attribution and through Debian's PyTorch, alternately.");
        var task = new Argument<string>("task") { Description = "conv-stack | forward | method (default: method)", Arity = ArgumentArity.ZeroOrOne, DefaultValueFactory = _ => "method" };
        var model = new Option<string>("--model") { Description = "An .onnx path or a torchvision name (resnet50, vgg16, …).", DefaultValueFactory = _ => "resnet50" };
        var methods = new Option<string[]>("--method") { Description = "Method name(s) for the method task; \"forward\" among them times the model's forward in the same process.", AllowMultipleArgumentsPerToken = true };
        var batch = new Option<int>("--batch") { Description = "Batch size.", DefaultValueFactory = _ => 1 };
        var size = new Option<int?>("--size") { Description = "Input height and width (default: the model's, or 224)." };
        var rounds = new Option<int>("--rounds") { Description = "Alternating rounds (ours, then torch, then plain TorchSharp).", DefaultValueFactory = _ => 3 };
        var iterations = new Option<int>("--iters") { Description = "Timed calls per side per round, at least.", DefaultValueFactory = _ => 2 };
        var roundSeconds = new Option<double>("--round-seconds")
        {
            Description = "Our side's calls in a round continue until this many seconds have passed (the other sides make as many), so a cheap workload gets enough samples for a stable median.",
            DefaultValueFactory = _ => 1,
        };
        var threads = new Option<int>("--threads") { Description = "Threads for both sides.", DefaultValueFactory = _ => Environment.ProcessorCount };
        var noTorch = new Option<bool>("--no-torch") { Description = "Skip the PyTorch reference." };
        var options = new Option<string[]>("--option") { Description = "Method options key=value (e.g. steps=32).", AllowMultipleArgumentsPerToken = true };
        var json = new Option<string?>("--json") { Description = "Also write the results as JSON to this file." };
        var warmup = new Option<double>("--warmup")
        {
            Description = "Seconds of untimed calls per side before timing (at least one call): a process's first seconds run slower while its native heap grows to the working size and the JIT recompiles.",
            DefaultValueFactory = _ => 4,
        };
        var device = new Option<string>("--device") { Description = "Where our side computes: cpu, cuda or cuda:N (the torch reference runs on the CPU).", DefaultValueFactory = _ => "cpu" };
        command.Arguments.Add(task);
        var profile = new Option<bool>("--profile") { Description = "After timing, as many calls again with each layer timed: milliseconds per call by phase and layer kind." };
        foreach (Option option in new Option[] { model, methods, batch, size, rounds, iterations, roundSeconds, threads, noTorch, options, json, device, warmup, profile }) command.Options.Add(option);
        command.SetAction(result =>
        {
            string name = result.GetValue(task)!;
            int b = result.GetValue(batch);
            int s = result.GetValue(size) ?? ModelLocator.InputSize(result.GetValue(model)!) ?? 224;
            torch.set_num_threads(result.GetValue(threads));
            var settings = (result.GetValue(options) ?? []).Select(o => o.Split('=', 2)).ToDictionary(p => p[0], p => p.Length > 1 ? p[1] : "");
            ComputeDevice on = DeviceOption.Parse(result.GetValue(device)!);
            var workloads = new List<(Func<IBenchWorkload> Create, Func<TorchSharpPlain?> Plain)>();
            string? torchvisionName = ModelLocator.TorchvisionName(result.GetValue(model)!);
            switch (name)
            {
                case "conv-stack": workloads.Add((() => new VggConvStack(b, s), () => null)); break;
                case "forward":
                    workloads.Add((() => new NetworkForward(result.GetValue(model)!, b, s, settings, on),
                        () => TorchSharpPlain.Create(torchvisionName, "forward", b, s, on)));
                    break;
                case "method":
                    // "forward" among the methods times the forward in the same process, so ratios to it share its conditions.
                    foreach (string m in result.GetValue(methods) ?? ["gradient"])
                        workloads.Add(m == "forward"
                            ? (() => new NetworkForward(result.GetValue(model)!, b, s, settings, on), () => TorchSharpPlain.Create(torchvisionName, "forward", b, s, on))
                            : (() => new MethodWorkload(m, result.GetValue(model)!, b, s, settings, on),
                                () => settings.Count == 0 ? TorchSharpPlain.Create(torchvisionName, m, b, s, on) : null));
                    break;
                default:
                    Console.Error.WriteLine($"Unknown bench task '{name}'. Known: conv-stack, forward, method.");
                    return 2;
            }
            var table = new Table().AddColumns("workload", "batch", "threads", "ours s/call", "torch s/call", "ours / torch",
                "TorchSharp s/call", "ours / TorchSharp", "ours / our forward (quartiles, pairs)", "ours s/image", "ours peak MB", "torch peak MB");
            var rows = new JsonArray();
            using TorchReference? reference = result.GetValue(noTorch) ? null : TorchReference.Start();
            foreach (var (create, createPlain) in workloads)
            {
                using IBenchWorkload workload = create();
                var (ours, theirs, sharp, forward, ourPeak, theirPeak) = Measure(workload, reference, createPlain, result.GetValue(rounds),
                    result.GetValue(iterations), result.GetValue(warmup), result.GetValue(roundSeconds));
                JsonArray? layers = result.GetValue(profile) ? ProfileRun.Run(workload, result.GetValue(rounds) * result.GetValue(iterations)) : null;
                double ratio = theirs is { } t ? ours / t : double.NaN;
                double sharpRatio = sharp is { } p ? ours / p : double.NaN;
                table.AddRow(workload.Name, workload.Images.ToString(), torch.get_num_threads().ToString(), ours.ToString("F4"),
                    theirs?.ToString("F4") ?? "-", double.IsNaN(ratio) ? "-" : ratio.ToString("F3"),
                    sharp?.ToString("F4") ?? "-", double.IsNaN(sharpRatio) ? "-" : sharpRatio.ToString("F3"),
                    forward is { } paired ? $"{paired.Ratio:F2} ({paired.LowerQuartile:F2}–{paired.UpperQuartile:F2}, {paired.Pairs})" : "-",
                    (ours / workload.Images).ToString("F4"),
                    ourPeak?.ToString("F0") ?? "-", theirPeak?.ToString("F0") ?? "-");
                rows.Add(new JsonObject
                {
                    ["workload"] = workload.Name, ["method"] = workload switch { MethodWorkload m => m.Method, NetworkForward => "forward", _ => null }, ["size"] = s, ["batch"] = workload.Images,
                    ["threads"] = torch.get_num_threads(), ["medianSeconds"] = ours, ["torchMedianSeconds"] = theirs,
                    ["ratio"] = double.IsNaN(ratio) ? null : ratio, ["torchSharpMedianSeconds"] = sharp,
                    ["torchSharpRatio"] = double.IsNaN(sharpRatio) ? null : sharpRatio,
                    ["forwardMedianSeconds"] = forward?.MedianSeconds, ["forwardRatio"] = forward?.Ratio,
                    ["forwardRatioQuartiles"] = forward is { } q ? new JsonArray(q.LowerQuartile, q.UpperQuartile) : null, ["forwardPairs"] = forward?.Pairs,
                    ["peakMegabytes"] = ourPeak, ["torchPeakMegabytes"] = theirPeak,
                    ["detail"] = (workload as MethodWorkload)?.Detail,
                    ["profile"] = layers,
                });
                if ((workload as MethodWorkload)?.Detail is { } detail)
                    AnsiConsole.MarkupLine($"{Markup.Escape(workload.Name)}: {Markup.Escape(detail)}");
            }
            AnsiConsole.Write(table);
            if (result.GetValue(json) is { } path)
                File.WriteAllText(path, new JsonObject { ["results"] = rows }.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
            return 0;
        });
        return command;
    }

    /// <summary>
    /// Our side, torch and plain TorchSharp in turn, round after round, so a slow spell of the machine hits all three alike.
    /// A round times at least <paramref name="iterations"/> calls and at least <paramref name="roundSeconds"/> of them (a
    /// cheap workload gets many samples), and the other sides make as many calls in it. Our peak memory is read over our
    /// warm-up, before plain TorchSharp's model exists: it runs in our process. A method's model forward is timed in each
    /// round too, call by call alternately with the method (<see cref="Timing.MeasureAlternating"/>): its ratio to the forward
    /// is the median of the pairs' ratios.
    /// </summary>
    private static BenchTimes Measure(IBenchWorkload workload, TorchReference? reference,
        Func<TorchSharpPlain?> createPlain, int rounds, int iterations, double warmupSeconds, double roundSeconds)
    {
        var ours = new List<double>();
        var theirs = new List<double>();
        var sharp = new List<double>();
        var forwards = new List<double>();
        var pairRatios = new List<double>();
        double? torchPeak = null;
        JsonObject? request = workload.TorchRequest;
        if (request != null) request["threads"] = torch.get_num_threads();
        GC.Collect(); // the workload's set-up garbage (the importer already returned a large model's protobuf pages)
        PeakMemory.Reset(); // from the resident model and input on, as the torch side measures
        Timing.WarmUp(workload.Run, warmupSeconds);
        double? ourPeak = PeakMemory.Megabytes();
        using TorchSharpPlain? plain = createPlain();
        if (plain != null) Timing.WarmUp(plain.Run, warmupSeconds);
        Action? forward = workload.Forward;
        if (forward != null) Timing.WarmUp(forward, 0);
        for (int round = 0; round < rounds; round++)
        {
            double[] ourRound;
            if (forward != null)
            {
                (ourRound, double[] forwardRound) = Timing.MeasureAlternating(workload.Run, forward, iterations, roundSeconds);
                forwards.AddRange(forwardRound);
                pairRatios.AddRange(ourRound.Zip(forwardRound, (method, plainForward) => method / plainForward));
            }
            else ourRound = Timing.Measure(workload.Run, iterations, roundSeconds);
            ours.AddRange(ourRound);
            if (reference != null && request != null)
            {
                request["iters"] = ourRound.Length;
                request["warmup_seconds"] = round == 0 ? warmupSeconds : 0;
                var (seconds, peak) = reference.Time(request);
                theirs.AddRange(seconds);
                torchPeak = peak is { } p ? Math.Max(torchPeak ?? 0, p) : torchPeak;
            }
            if (plain != null) sharp.AddRange(Timing.Measure(plain.Run, ourRound.Length, 0));
        }
        ForwardPairs? paired = pairRatios.Count == 0 ? null : new ForwardPairs(Timing.Median(forwards), Timing.Median(pairRatios),
            Timing.Quantile(pairRatios, 0.25), Timing.Quantile(pairRatios, 0.75), pairRatios.Count);
        return new BenchTimes(Timing.Median(ours), theirs.Count > 0 ? Timing.Median(theirs) : null, sharp.Count > 0 ? Timing.Median(sharp) : null,
            paired, ourPeak, torchPeak);
    }

    /// <summary>The medians of one workload's sides (seconds per call) and peaks (MB).</summary>
    private sealed record BenchTimes(double Ours, double? Torch, double? TorchSharp, ForwardPairs? Forward, double? OurPeak, double? TorchPeak);

    /// <summary>The model's forward timed call by call beside the method: its median and the method/forward ratios' median and quartiles.</summary>
    private sealed record ForwardPairs(double MedianSeconds, double Ratio, double LowerQuartile, double UpperQuartile, int Pairs);
}
