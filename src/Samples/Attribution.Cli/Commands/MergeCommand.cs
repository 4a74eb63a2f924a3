using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Attribution.Cli.Scoring;
using Attribution.Cli.Shared;

namespace Attribution.Cli.Commands;

/// <summary>
/// `attribution merge DIR`: checks that the shards of a `score` run are all there and complete — every image of every manifest
/// scored once per method, none twice — and writes summary.json and summary.md (pointing game per method and class, mean
/// deletion/insertion AUC when computed, errors, seconds per image). Exit code 1 names the missing or incomplete shards.
/// </summary>
internal static class MergeCommand
{
    public static Command Create()
    {
        var command = new Command("merge", "Check the shards of a `score` run and summarize them (summary.json, summary.md).");
        var folder = new Argument<string>("folder") { Description = "The --out folder of the score shards." };
        command.Arguments.Add(folder);
        command.SetAction(result => CommandRunner.Run(() => Run(result.GetValue(folder)!)));
        return command;
    }

    private static int Run(string folder)
    {
        if (!Directory.Exists(folder)) throw new CliUsageException($"'{folder}' is not a folder.");
        var manifests = Directory.GetFiles(folder, "shard-*.manifest.json").Select(p => ShardStore.ReadManifest(p)!).ToList();
        if (manifests.Count == 0) throw new CliUsageException($"'{folder}' holds no shard manifests (shard-*.manifest.json): was `score --out` this folder?");
        int count = manifests[0].ShardCount;
        if (manifests.Any(m => m.ShardCount != count))
            throw new CliUsageException($"The manifests in '{folder}' disagree on the shard count ({string.Join(", ", manifests.Select(m => m.ShardCount).Distinct())}).");
        int[] missing = Enumerable.Range(0, count).Except(manifests.Select(m => m.Shard)).ToArray();
        int[] incomplete = manifests.Where(m => !m.Complete).Select(m => m.Shard).Order().ToArray();

        var rows = ShardStore.AllParts(folder).SelectMany(ShardStore.Read).ToList();
        var seen = rows.GroupBy(r => (r.ImageId, r.Method)).ToDictionary(g => g.Key, g => g.Count());
        var duplicates = seen.Where(kv => kv.Value > 1).Select(kv => $"{kv.Key.ImageId} ({kv.Key.Method}) ×{kv.Value}").ToList();
        var expected = manifests.SelectMany(m => m.ImageIds.SelectMany(id => m.Methods.Select(method => (id, method)))).ToList();
        var unscored = expected.Where(e => !seen.ContainsKey(e)).ToList();
        IReadOnlyList<string>? classNames = manifests.FirstOrDefault(m => m.ClassNames is not null)?.ClassNames;

        var methods = new JsonArray();
        var markdown = new StringBuilder();
        markdown.AppendLine($"# Scoring run: {rows.Count} rows from {count} shards").AppendLine();
        markdown.AppendLine("| method | rows | errors | pointing hits | pointing accuracy | deletion AUC ↓ | insertion AUC ↑ | mean seconds per image |")
            .AppendLine("|---|---|---|---|---|---|---|---|");
        foreach (var byMethod in rows.GroupBy(r => r.Method).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var scored = byMethod.Where(r => r.PointingHit is not null).ToList();
            int hits = scored.Count(r => r.PointingHit == true);
            double? accuracy = scored.Count > 0 ? (double)hits / scored.Count : null;
            double seconds = byMethod.Average(r => r.Seconds);
            var perClass = new JsonObject();
            foreach (var byClass in scored.GroupBy(r => r.Target!.Value).OrderBy(g => g.Key))
            {
                string name = classNames is not null && byClass.Key < classNames.Count ? classNames[byClass.Key] : byClass.Key.ToString(CultureInfo.InvariantCulture);
                perClass[name] = new JsonObject { ["hits"] = byClass.Count(r => r.PointingHit == true), ["scored"] = byClass.Count() };
            }
            methods.Add(new JsonObject
            {
                ["method"] = byMethod.Key,
                ["rows"] = byMethod.Count(),
                ["errors"] = byMethod.Count(r => r.Error.Length > 0),
                ["pointing"] = scored.Count == 0 ? null : new JsonObject { ["hits"] = hits, ["scored"] = scored.Count, ["accuracy"] = accuracy, ["perClass"] = perClass },
                ["deletion"] = MeanAuc(byMethod.Select(r => r.DeletionAuc)),
                ["insertion"] = MeanAuc(byMethod.Select(r => r.InsertionAuc)),
                ["meanSeconds"] = Math.Round(seconds, 6),
            });
            markdown.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"| {byMethod.Key} | {byMethod.Count()} | {byMethod.Count(r => r.Error.Length > 0)} | {(scored.Count > 0 ? $"{hits}/{scored.Count}" : "–")} | {(accuracy is double a ? $"{100 * a:F1} %" : "–")} | {Mean(byMethod.Select(r => r.DeletionAuc))} | {Mean(byMethod.Select(r => r.InsertionAuc))} | {seconds:F3} |"));
        }
        bool ok = missing.Length == 0 && incomplete.Length == 0 && duplicates.Count == 0 && unscored.Count == 0;
        var summary = new JsonObject
        {
            ["complete"] = ok,
            ["shards"] = count,
            ["missingShards"] = new JsonArray(missing.Select(i => (JsonNode)i).ToArray()),
            ["incompleteShards"] = new JsonArray(incomplete.Select(i => (JsonNode)i).ToArray()),
            ["rows"] = rows.Count,
            ["duplicates"] = new JsonArray(duplicates.Select(d => (JsonNode)d).ToArray()),
            ["unscored"] = unscored.Count,
            ["methods"] = methods,
        };
        JsonOutput.Write(Path.Combine(folder, "summary.json"), summary);
        markdown.AppendLine().AppendLine(ok ? "All shards complete: every image scored once per method."
            : $"Incomplete: missing shards [{string.Join(", ", missing)}], unfinished shards [{string.Join(", ", incomplete)}], {unscored.Count} (image, method) pairs unscored, {duplicates.Count} duplicated.");
        File.WriteAllText(Path.Combine(folder, "summary.md"), markdown.ToString());

        Console.WriteLine(markdown.ToString());
        if (missing.Length > 0) Console.Error.WriteLine($"missing shards: {string.Join(", ", missing)} of 0–{count - 1}");
        if (incomplete.Length > 0) Console.Error.WriteLine($"shards that did not finish: {string.Join(", ", incomplete)}");
        if (duplicates.Count > 0) Console.Error.WriteLine($"scored twice: {string.Join("; ", duplicates.Take(10))}");
        return ok ? 0 : 1;
    }

    /// <summary>The mean AUC and how many rows computed it; null when none did (the curve was not asked for).</summary>
    private static JsonObject? MeanAuc(IEnumerable<double?> values)
    {
        double[] computed = values.OfType<double>().ToArray();
        return computed.Length == 0 ? null : new JsonObject { ["meanAuc"] = Math.Round(computed.Average(), 6), ["rows"] = computed.Length };
    }

    private static string Mean(IEnumerable<double?> values)
    {
        double[] computed = values.OfType<double>().ToArray();
        return computed.Length == 0 ? "–" : computed.Average().ToString("F4", CultureInfo.InvariantCulture);
    }
}
