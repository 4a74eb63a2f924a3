using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Attribution.Cli.Evaluation;
using Attribution.Cli.Scoring;
using Attribution.Cli.Shared;
using Microsoft.ML.Attribution.Datasets;
using Microsoft.ML.Attribution.Graph;
using Microsoft.ML.Attribution.Imaging;
using Microsoft.ML.Attribution.Maps;
using Microsoft.ML.Attribution.Metrics;
using TorchSharp;
using Microsoft.ML.Attribution.Tensors;
using Spectre.Console;
using static TorchSharp.torch;

namespace Attribution.Cli.Commands;

/// <summary>
/// `attribution score`: batch scoring of many images by one or more methods, one shard of them at a time (`--shard i/n` or
/// `auto/n` from a Kubernetes Indexed Job's or Slurm array's index), into Parquet parts that are committed atomically, so a shard
/// that is killed and started again continues where it stopped. `attribution merge` checks and summarizes the shards.
/// </summary>
internal static class ScoreCommand
{
    public static Command Create()
    {
        var command = new Command("score", "Score images with attribution methods, one shard at a time, into Parquet (see `merge`).");
        var model = new Option<string>("--model") { Description = "The ONNX image classifier.", Required = true };
        var input = new Option<string[]>("--input") { Description = "Image files or folders (recursively).", Arity = ArgumentArity.OneOrMore, AllowMultipleArgumentsPerToken = true };
        var dataset = new Option<string?>("--dataset") { Description = "A VOC folder, a CSV (path, optional target, optional boxes) or a COCO JSON; with boxes, the pointing game per row." };
        var split = new Option<string?>("--split") { Description = "VOC split (default: test, else val, trainval, train)." };
        var classes = new Option<string?>("--classes") { Description = "Class names, one per line (default: classes.txt beside the dataset, else VOC's)." };
        var method = new Option<string[]>("--method") { Description = "Method names.", Arity = ArgumentArity.OneOrMore, AllowMultipleArgumentsPerToken = true, DefaultValueFactory = _ => ["gradient"] };
        var target = new Option<string>("--target") { Description = "top1, or a class index explained for every image (a CSV's target column overrides it per image).", DefaultValueFactory = _ => "top1" };
        var metric = new Option<string[]>("--metric") { Description = "deletion, insertion: their AUC per row (one model forward per step, 2 × 224 steps by default).", Arity = ArgumentArity.OneOrMore, AllowMultipleArgumentsPerToken = true, DefaultValueFactory = _ => [] };
        var shard = new Option<string>("--shard") { Description = "INDEX/COUNT, or auto/COUNT (the index from JOB_COMPLETION_INDEX or SLURM_ARRAY_TASK_ID).", DefaultValueFactory = _ => "0/1" };
        var output = new Option<string>("--out") { Description = "Output folder (Parquet parts and shard manifests).", Required = true };
        var maps = new Option<string>("--maps") { Description = "inline (a float list column) or npy (files beside the parts).", DefaultValueFactory = _ => "inline" };
        var group = new Option<int>("--rows-per-group") { Description = "Images per committed row group (what a restart can lose at most).", DefaultValueFactory = _ => 32 };
        var tolerance = new Option<double>("--tolerance") { Description = "Pointing-game tolerance in pixels of the original image.", DefaultValueFactory = _ => PointingGame.DefaultTolerance };
        var common = new CommonOptions();
        foreach (Option option in new Option[] { model, input, dataset, split, classes, method, target, metric, shard, output, maps, group, tolerance })
            command.Options.Add(option);
        common.AddTo(command);
        command.SetAction(result => CommandRunner.Run(() =>
        {
            string[]? inputs = result.GetValue(input);
            string? datasetPath = result.GetValue(dataset);
            if ((inputs is { Length: > 0 }) == (datasetPath is not null))
                throw new CliUsageException("Give either --input (image files or folders) or --dataset (VOC folder, CSV or COCO JSON).");
            string mapMode = result.GetValue(maps)!;
            if (mapMode is not ("inline" or "npy")) throw new CliUsageException($"--maps '{mapMode}': expected inline or npy.");
            int rowsPerGroup = result.GetValue(group);
            if (rowsPerGroup < 1) throw new CliUsageException($"--rows-per-group {rowsPerGroup}: at least 1.");
            string[] metrics = result.GetValue(metric)!;
            string? unknown = metrics.FirstOrDefault(m => m is not (MethodEvaluation.Deletion or MethodEvaluation.Insertion));
            if (unknown is not null) throw new CliUsageException($"--metric '{unknown}': score computes deletion and insertion (the pointing game comes with boxes).");
            // A method named twice is scored once: each (image, method) is one row.
            var settings = new Settings(result.GetValue(model)!, result.GetValue(method)!.Distinct(StringComparer.Ordinal).ToArray(), result.GetValue(target)!,
                Shard.Parse(result.GetValue(shard)!, Environment.GetEnvironmentVariable), result.GetValue(output)!, mapMode == "npy", rowsPerGroup,
                result.GetValue(tolerance), metrics.Contains(MethodEvaluation.Deletion), metrics.Contains(MethodEvaluation.Insertion));
            (IReadOnlyList<ScoreInput> all, IReadOnlyList<string>? classNames) = datasetPath is null
                ? (ScoreInputs.FromFiles(inputs!), null)
                : ScoreInputs.FromDataset(datasetPath, result.GetValue(split), result.GetValue(classes));
            return Run(settings, all, classNames, result, common);
        }));
        return command;
    }

    private sealed record Settings(string Model, string[] Methods, string Target, Shard Shard, string Output, bool NpyMaps, int RowsPerGroup, double Tolerance,
        bool Deletion, bool Insertion)
    {
        public bool NeedPixels => Deletion || Insertion;
    }

    private static int Run(Settings settings, IReadOnlyList<ScoreInput> all, IReadOnlyList<string>? classNames, ParseResult result, CommonOptions common)
    {
        ExplainCommand.RequireMethods(settings.Methods);
        // Everything that can be wrong with the inputs is found before the shard writes anything.
        using Network network = ModelLoader.Load(settings.Model, common.GetDevice(result));
        Preprocessing preprocessing = common.GetPreprocessing(result, ModelLoader.InputSize(network));
        var methodSettings = common.GetMethodSettings(result, settings.Methods);
        int classCount = ModelLoader.ClassCount(network);
        int? fixedTarget = ExplainCommand.ParseClassTarget(settings.Target, classCount);
        IReadOnlyList<int?> targets = ScoreInputs.Targets(all, fixedTarget, classNames, classCount);
        var targetOf = all.Select((input, i) => (input.Id, Target: targets[i])).ToDictionary(p => p.Id, p => p.Target, StringComparer.Ordinal);

        List<ScoreInput> mine = all.Where(i => settings.Shard.Owns(i.Id)).ToList();
        var store = new ShardStore(Path.GetFullPath(settings.Output), settings.Shard);
        var manifest = new ShardManifest
        {
            Shard = settings.Shard.Index,
            ShardCount = settings.Shard.Count,
            Methods = [.. settings.Methods],
            ImageIds = mine.Select(i => i.Id).ToList(),
            ClassNames = classNames?.ToList(),
        };
        store.WriteManifest(manifest);
        HashSet<(string, string)> done = store.Done();

        var runner = new ExplainRunner(network, preprocessing, common.GetBatch(result));
        var game = classNames is null ? null : new PointingGame(classNames, settings.Tolerance);
        var mineIds = mine.Select(i => i.Id).ToHashSet(StringComparer.Ordinal);
        int total = mine.Count * settings.Methods.Length, finished = done.Count(d => mineIds.Contains(d.Item1));
        var clock = Stopwatch.StartNew();
        Console.WriteLine($"score shard {settings.Shard}: {mine.Count} of {all.Count} images × {settings.Methods.Length} methods; {finished} rows already committed");

        var remainingPerMethod = settings.Methods.Select(m => mine.Where(i => !done.Contains((i.Id, m))).ToList()).ToList();
        bool interactive = AnsiConsole.Profile.Capabilities.Interactive;
        // Bars on a terminal; on a log (a pod, a Slurm task) one machine-readable line per committed group instead.
        CommandRunner.WithProgress(settings.Methods.Select((m, k) => (m, remainingPerMethod[k].Count)).ToList(), progressFor =>
        {
            for (int k = 0; k < settings.Methods.Length; k++)
            {
                string method = settings.Methods[k];
                List<ScoreInput> remaining = remainingPerMethod[k];
                for (int start = 0; start < remaining.Count; start += settings.RowsPerGroup)
                {
                    List<ScoreInput> chunk = remaining.Skip(start).Take(settings.RowsPerGroup).ToList();
                    var rows = new ScoreRow[chunk.Count];
                    // The runner explains one given class per row, or every row's top-1: rows with a class and rows without go in separate calls.
                    foreach (bool top1 in new[] { false, true })
                    {
                        int[] picked = Enumerable.Range(0, chunk.Count).Where(j => targetOf[chunk[j].Id] is null == top1).ToArray();
                        if (picked.Length == 0) continue;
                        var items = picked.Select(j => new InputItem(chunk[j].Id, chunk[j].Path, chunk[j].Path, null, 0, 0, 0, null)).ToList();
                        IReadOnlyList<int>? classes = top1 ? null : picked.Select(j => targetOf[chunk[j].Id]!.Value).ToList();
                        foreach (ExplainedRow explained in runner.Run(items, method, methodSettings.For(method), classes, progressFor(k), settings.NeedPixels))
                            rows[picked[explained.Index]] = ToRow(chunk[picked[explained.Index]], method, explained, network, game, settings, store.Folder);
                    }
                    store.Commit(rows);
                    finished += chunk.Count;
                    if (!interactive)
                        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                            $"progress shard={settings.Shard} method={method} committed={finished}/{total} elapsed={clock.Elapsed.TotalSeconds:F1}s"));
                }
            }
        });
        manifest.Complete = true;
        store.WriteManifest(manifest);
        Console.WriteLine($"score shard {settings.Shard}: complete, {store.Parts().Count} parts in {store.Folder}");
        return 0;
    }

    private static ScoreRow ToRow(ScoreInput input, string method, ExplainedRow explained, Network network, PointingGame? game, Settings settings, string folder)
    {
        var row = new ScoreRow { ImageId = input.Id, Method = method, Seconds = Math.Round(explained.Seconds, 6) };
        if (!explained.Ok)
        {
            row.Error = explained.Error;
            return row;
        }
        row.Target = explained.Target;
        row.Logit = explained.Logit;
        float[] reduced = MapImages.Reduce(explained, method);
        row.MapHeight = explained.Height;
        row.MapWidth = explained.Width;
        if (settings.NpyMaps)
        {
            string file = Path.Combine("maps", method, Path.ChangeExtension(input.Id, ".npy"));
            string path = Path.Combine(folder, file);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            using Tensor map = tensor(reduced, [explained.Height, explained.Width]);
            Npy.Save(path, map);
            row.MapFile = file.Replace('\\', '/');
        }
        else
            row.Map = reduced;
        if (settings.NeedPixels)
            (row.DeletionAuc, row.InsertionAuc) = PerturbationAuc.Compute(network, explained.Pixels!, reduced, explained.Height, explained.Width,
                explained.Target, settings.Deletion, settings.Insertion);
        // The pointing game scores a class present in the image; another class (a wrong top-1, a CSV target without its box) gets no hit.
        if (game is not null && input.Annotation is AnnotatedImage annotation && annotation.Objects.Count > 0 && explained.Target < game.ClassNames.Count)
        {
            AnnotatedImage sized = MethodEvaluation.WithSize(annotation);
            using DisposeScope scope = NewDisposeScope();
            Tensor original = ImageResize.Resize(tensor(reduced, [explained.Height, explained.Width]), sized.Height, sized.Width);
            ImagePoint point = PointingGame.MaximumOf(original);
            (row.MaxPointX, row.MaxPointY) = ((int)point.Column, (int)point.Row);
            string className = game.ClassNames[explained.Target];
            if (sized.ObjectsOf(className).Any())
            {
                PointingOutcome outcome = game.Evaluate(sized, className, point);
                row.PointingHit = outcome == PointingOutcome.Skipped ? null : outcome == PointingOutcome.Hit;
            }
        }
        return row;
    }
}
