using System.CommandLine;
using System.Diagnostics;
using Microsoft.ML.Attribution.Graph;
using Microsoft.ML.Attribution.Maps;
using Microsoft.ML.Attribution.Methods;
using Microsoft.ML.Attribution.Metrics;
using Microsoft.ML.Attribution.Onnx;
using TorchSharp;
using Microsoft.ML.Attribution.Tensors;
using Attribution.Cli.Shared;
using Spectre.Console;
using static TorchSharp.torch;

namespace Attribution.Cli.Commands;

/// <summary>
/// `attribution study --model F --input X.npy`: the positive aggregation/propagation study (methods.md §4, §8 claims
/// 16–19) on one model and batch — class sensitivity (top-1 vs least likely class) of every <see cref="StudyVariants"/>
/// configuration, CLRP vs LRP, and each configuration's cascading-randomization curve — as a Markdown report and JSON.
/// </summary>
internal static class StudyCommand
{
    public static Command Create()
    {
        var command = new Command("study", "Class sensitivity and cascading randomization of the positive aggregation/propagation variants (methods.md §4).");
        var model = new Option<string>("--model") { Description = "The .onnx classifier.", Required = true };
        var input = new Option<string[]>("--input")
        {
            Description = "Image files, folders (preprocessed by --size/--mean/--std), or .npy float32 tensors [N, C, H, W] used as-is.",
            Required = true, Arity = ArgumentArity.OneOrMore, AllowMultipleArgumentsPerToken = true,
        };
        var preprocessingOptions = new CommonOptions();
        var markdown = new Option<string?>("--markdown") { Description = "Write the Markdown report to this file." };
        var json = new Option<string?>("--json") { Description = "Write every number (per image, every curve step) as JSON to this file." };
        var variants = new Option<string[]>("--variant") { Description = "Only these configurations (default: all).", AllowMultipleArgumentsPerToken = true };
        var contrast = new Option<ClassContrast>("--contrast") { Description = "The class compared with the top-1 class.", DefaultValueFactory = _ => ClassContrast.MinLogit };
        var low = new Option<double?>("--low") { Description = "Lowest preprocessed pixel value, for CLRP's z^B (default: the batch minimum)." };
        var high = new Option<double?>("--high") { Description = "Highest preprocessed pixel value (default: the batch maximum)." };
        var sigma = new Option<double>("--sigma") { Description = "σ of the re-initialized weights and biases.", DefaultValueFactory = _ => 0.1 };
        var seed = new Option<long>("--seed") { Description = "Base seed of the randomization.", DefaultValueFactory = _ => 12 };
        var threads = new Option<int>("--threads") { Description = "libtorch threads.", DefaultValueFactory = _ => Environment.ProcessorCount };
        var note = new Option<string?>("--note") { Description = "A paragraph for the Markdown report (e.g. what the inputs are)." };
        var noRandomization = new Option<bool>("--no-randomization") { Description = "Only the class-sensitivity part (much faster)." };
        foreach (Option option in new Option[] { model, input, markdown, json, variants, contrast, low, high, sigma, seed, threads, note, noRandomization })
            command.Options.Add(option);
        preprocessingOptions.AddPreprocessingTo(command);
        command.SetAction(result => CommandRunner.Run(() =>
        {
            torch.set_num_threads(result.GetValue(threads));
            using Network network = ModelLoader.Load(result.GetValue(model)!);
            Preprocessing preprocessing = preprocessingOptions.GetPreprocessing(result, ModelLoader.InputSize(network));
            IReadOnlyList<InputItem> items = InputCollector.Collect(result.GetValue(input)!);
            float[] pixels = new ExplainRunner(network, preprocessing, batchSize: 1).Pixels(items, out long[] shape);
            using Tensor inputs = tensor(pixels, shape);
            double lowest = result.GetValue(low) ?? Scalar(inputs.min());
            double highest = result.GetValue(high) ?? Scalar(inputs.max());
            IReadOnlyList<StudyVariant> selected = Select(StudyVariants.All(lowest, highest), result.GetValue(variants));
            var classOptions = new ClassSensitivityStudyOptions { Contrast = result.GetValue(contrast) };
            var randomization = new CascadingRandomizationOptions { Sigma = result.GetValue(sigma), Seed = result.GetValue(seed) };

            var clock = Stopwatch.StartNew();
            var progress = new StderrProgress(clock);
            IReadOnlyList<ClassSensitivityResult> classes = ClassSensitivityStudy.Run(network, inputs, selected, classOptions, progress);
            var curves = new List<RandomizationCurve>();
            foreach (StudyVariant variant in result.GetValue(noRandomization) ? [] : selected)
            {
                progress.Report($"randomization: {variant.Name}");
                curves.Add(CascadingRandomization.Run(network, inputs, variant, randomization));
            }

            var report = new StudyReport(
                Command: "attribution " + string.Join(" ", Environment.GetCommandLineArgs().Skip(1).Select(ShellQuoted)),
                Model: result.GetValue(model)!, Input: string.Join(" ", result.GetValue(input)!), Images: (int)inputs.shape[0],
                Low: lowest, High: highest, Variants: selected, ClassOptions: classOptions, Randomization: randomization,
                Blocks: randomization.Blocks ?? CascadingRandomization.DefaultBlocks(network),
                Classes: classes, Curves: curves, Seconds: clock.Elapsed.TotalSeconds, Note: result.GetValue(note));
            AnsiConsole.Write(report.ConsoleTable());
            if (result.GetValue(markdown) is { } md) File.WriteAllText(md, report.ToMarkdown());
            if (result.GetValue(json) is { } path) File.WriteAllText(path, report.ToJson());
            return 0;
        }));
        return command;
    }

    /// <summary>The value of a one-element tensor, which is freed here rather than left to the finalizer.</summary>
    private static double Scalar(Tensor value)
    {
        using (value) return value.ItemAs<float>();
    }

    private static IReadOnlyList<StudyVariant> Select(IReadOnlyList<StudyVariant> all, string[]? names)
    {
        if (names is null || names.Length == 0) return all;
        var unknown = names.Where(n => all.All(v => v.Name != n)).ToArray();
        if (unknown.Length > 0) throw new ArgumentException($"Unknown study variant(s) {string.Join(", ", unknown)}. Known: {string.Join(", ", all.Select(v => v.Name))}.");
        return all.Where(v => names.Contains(v.Name)).ToArray();
    }

    /// <summary>An argument as a POSIX shell needs it, so the report's command line can be pasted back.</summary>
    private static string ShellQuoted(string argument) =>
        argument.Length > 0 && argument.All(c => char.IsAsciiLetterOrDigit(c) || "-_./=,:+@%".Contains(c))
            ? argument
            : "'" + argument.Replace("'", "'\\''") + "'";

    /// <summary>Elapsed time and the step, on stderr so stdout keeps only the table.</summary>
    private sealed class StderrProgress(Stopwatch clock) : IProgress<string>
    {
        public void Report(string value) => Console.Error.WriteLine($"[{clock.Elapsed.TotalSeconds,6:F1} s] {value}");
    }
}
