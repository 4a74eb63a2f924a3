using System.Diagnostics;
using System.Text.Json.Nodes;
using Attribution.Cli.Report;
using Attribution.Cli.Scoring;
using DuckDB.NET.Data;
using k8s;
using k8s.Models;
using Microsoft.ML.Attribution.Tests.Onnx;

namespace Microsoft.ML.Attribution.Tests.Scoring;

/// <summary>
/// Batch scoring beyond one machine (issue 19): shards started as a Kubernetes Indexed Job starts them (the index in the
/// environment) give exactly the rows of one unsharded run; a shard killed mid-way and started again loses and duplicates nothing;
/// `merge` names a missing shard; the manifests parse; the Parquet parts read back with Parquet.Net and DuckDB.
/// </summary>
[TestClass]
public sealed class ScoreShardTests
{
    private static readonly string Root = TorchvisionExportTests.RepositoryRoot();
    private static string Assets => SampleAssets.Locate() ?? throw new AssertFailedException("the bundled sample assets were not found");
    private static string Model => Path.Combine(Assets, "models", "shapes_vgg.onnx");
    private static string Dataset => Path.Combine(Assets, "shapes-voc");

    private static string[] ScoreArguments(string output, params string[] more) => ScoreArgumentsFor(["gradient", "gradcam"], output, more);

    private static string[] ScoreArgumentsFor(string[] methods, string output, params string[] more) =>
        ["score", "--model", Model, "--dataset", Dataset, "--split", "test", "--method", .. methods,
         "--mean", "0.444,0.447,0.445", "--std", "0.187,0.187,0.187", "--out", output, .. more];

    [TestMethod]
    public void Three_shards_from_the_environment_give_exactly_the_rows_of_one_run_and_merge_checks_them()
    {
        string work = NewFolder("three");
        string whole = Path.Combine(work, "whole"), sharded = Path.Combine(work, "sharded");
        // One image per batch on both sides, so the maps are the same computations bit for bit whatever the shard's batches hold.
        Assert.AreEqual(0, Cli(ScoreArguments(whole, "--batch", "1")).ExitCode);
        var shards = Enumerable.Range(0, 3).Select(i => StartCli(ScoreArguments(sharded, "--shard", "auto/3", "--batch", "1"), ("JOB_COMPLETION_INDEX", i.ToString()))).ToList();
        foreach (Process shard in shards) Assert.AreEqual(0, Finish(shard).ExitCode, "a shard failed");

        Dictionary<(string, string), ScoreRow> one = Rows(whole), three = Rows(sharded);
        Assert.AreEqual(40 * 2, one.Count, "40 images × 2 methods");
        CollectionAssert.AreEquivalent(one.Keys.ToList(), three.Keys.ToList(), "the same (image, method) pairs");
        foreach (((string, string) key, ScoreRow row) in one)
        {
            ScoreRow other = three[key];
            Assert.AreEqual(row.Target, other.Target, $"{key}: target");
            Assert.AreEqual(row.PointingHit, other.PointingHit, $"{key}: pointing");
            CollectionAssert.AreEqual(row.Map, other.Map, $"{key}: the same map");
        }
        foreach (int i in new[] { 0, 1, 2 })
            Assert.IsNotEmpty(ShardRows(sharded, i), $"shard {i} scored its share");
        (int exit, string output, _) = Cli(["merge", sharded]);
        Assert.AreEqual(0, exit, output);
        JsonObject summary = JsonNode.Parse(File.ReadAllText(Path.Combine(sharded, "summary.json")))!.AsObject();
        Assert.IsTrue((bool)summary["complete"]!);
        Assert.AreEqual(80, (int)summary["rows"]!);
        Directory.Delete(work, recursive: true);
    }

    [TestMethod]
    public void A_shard_killed_mid_way_and_restarted_loses_and_duplicates_nothing()
    {
        string work = NewFolder("restart");
        string output = Path.Combine(work, "out");
        Process first = StartCli(ScoreArguments(output, "--shard", "0/1", "--rows-per-group", "4"));
        // Wait for a committed group, then kill the shard mid-run (a node lost, a pod evicted).
        var clock = Stopwatch.StartNew();
        while (ShardStoreParts(output) < 2 && clock.Elapsed < TimeSpan.FromMinutes(3) && !first.HasExited) Thread.Sleep(100);
        Assert.IsFalse(first.HasExited, "the shard should still be running when killed");
        first.Kill(entireProcessTree: true);
        first.WaitForExit();
        int committedBefore = Rows(output).Count;
        Assert.IsTrue(committedBefore > 0 && committedBefore < 80, $"killed mid-way: {committedBefore} rows committed");
        Assert.IsEmpty(Directory.GetFiles(output, "*.parquet").Where(f => new FileInfo(f).Length == 0).ToArray(), "no torn part");

        (int exit, string log, _) = Cli(ScoreArguments(output, "--shard", "0/1", "--rows-per-group", "4"));
        Assert.AreEqual(0, exit, log);
        StringAssert.Contains(log, $"{committedBefore} rows already committed");
        var all = ShardStore.AllParts(output).SelectMany(ShardStore.Read).ToList();
        Assert.AreEqual(80, all.Count, "every (image, method) once");
        Assert.AreEqual(80, all.Select(r => (r.ImageId, r.Method)).Distinct().Count(), "none twice");
        Assert.AreEqual(0, Cli(["merge", output]).ExitCode);
        Directory.Delete(work, recursive: true);
    }

    [TestMethod]
    public void Merge_names_a_missing_shard()
    {
        string work = NewFolder("missing");
        string output = Path.Combine(work, "out");
        foreach (int i in new[] { 0, 2 })
            Assert.AreEqual(0, Cli(ScoreArgumentsFor(["gradient"], output, "--shard", $"{i}/3")).ExitCode);
        (int exit, _, string error) = Cli(["merge", output]);
        Assert.AreEqual(1, exit);
        StringAssert.Contains(error, "missing shards: 1 of 0–2");
        JsonObject summary = JsonNode.Parse(File.ReadAllText(Path.Combine(output, "summary.json")))!.AsObject();
        Assert.AreEqual(1, (int)summary["missingShards"]![0]!);
        Directory.Delete(work, recursive: true);
    }

    [TestMethod]
    public void The_parts_read_back_with_Parquet_Net_and_DuckDB_with_their_types_and_row_counts()
    {
        string work = NewFolder("parquet");
        string output = Path.Combine(work, "out");
        Assert.AreEqual(0, Cli(ScoreArgumentsFor(["gradient", "gradient"], output, "--rows-per-group", "16")).ExitCode);
        var rows = ShardStore.AllParts(output).SelectMany(ShardStore.Read).ToList();
        Assert.HasCount(40, rows, "a method named twice is scored once");
        Assert.IsTrue(rows.All(r => r.Error == "" && r.Map!.Length == r.MapHeight * r.MapWidth && r.Target is >= 0 and < 6));

        using var connection = new DuckDBConnection("DataSource=:memory:");
        connection.Open();
        using DuckDBCommand command = connection.CreateCommand();
        string glob = Path.Combine(output, "*.parquet").Replace("'", "''");
        command.CommandText = $"SELECT count(*), count(DISTINCT ImageId), typeof(any_value(Map)), typeof(any_value(Target)), typeof(any_value(Logit)), " +
                              $"typeof(any_value(PointingHit)), count(*) FILTER (WHERE PointingHit) FROM read_parquet('{glob}')";
        using var reader = command.ExecuteReader();
        Assert.IsTrue(reader.Read());
        Assert.AreEqual(40L, reader.GetInt64(0));
        Assert.AreEqual(40L, reader.GetInt64(1));
        Assert.AreEqual("FLOAT[]", reader.GetString(2));
        Assert.AreEqual("INTEGER", reader.GetString(3));
        Assert.AreEqual("FLOAT", reader.GetString(4));
        Assert.AreEqual("BOOLEAN", reader.GetString(5));
        Assert.AreEqual((long)rows.Count(r => r.PointingHit == true), reader.GetInt64(6));
        Directory.Delete(work, recursive: true);
    }

    [TestMethod]
    public void The_Kubernetes_manifest_is_an_Indexed_Job_that_passes_its_index_as_the_shard()
    {
        var job = KubernetesYaml.Deserialize<V1Job>(File.ReadAllText(Path.Combine(Root, "deploy", "kubernetes", "job.yaml")));
        Assert.AreEqual("batch/v1", job.ApiVersion);
        Assert.AreEqual("Job", job.Kind);
        Assert.AreEqual("Indexed", job.Spec.CompletionMode);
        IList<string> args = job.Spec.Template.Spec.Containers.Single().Args;
        Assert.AreEqual("score", args[0]);
        string shard = args[args.IndexOf("--shard") + 1];
        Assert.AreEqual($"auto/{job.Spec.Completions}", shard, "the shard count is the Job's completions; the index comes from JOB_COMPLETION_INDEX");
        Assert.AreEqual(new Shard(5, 8), Shard.Parse(shard, v => v == "JOB_COMPLETION_INDEX" ? "5" : null));
    }

    [TestMethod]
    public void The_Slurm_script_parses_and_computes_the_same_shard()
    {
        string script = Path.Combine(Root, "deploy", "slurm", "score.sbatch");
        Assert.AreEqual(0, Run("bash", ["-n", script]).ExitCode, "bash -n");
        // Run it with a stand-in for the tool that prints its arguments.
        string work = NewFolder("slurm");
        string stub = Path.Combine(work, "attribution");
        File.WriteAllText(stub, "#!/usr/bin/env bash\nprintf '%s\\n' \"$@\"\n");
        Assert.AreEqual(0, Run("chmod", ["+x", stub]).ExitCode);
        (int exit, string output, string error) = Run("bash", [script], ("SLURM_ARRAY_TASK_ID", "5"), ("SHARDS", "8"), ("ATTRIBUTION", stub));
        Assert.AreEqual(0, exit, error);
        string[] args = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        string shard = args[Array.IndexOf(args, "--shard") + 1];
        Assert.AreEqual("auto/8", shard);
        Assert.AreEqual(new Shard(5, 8), Shard.Parse(shard, v => v == "SLURM_ARRAY_TASK_ID" ? "5" : null),
            "the same shard as the Indexed Job's pod 5");
        Assert.AreEqual(2, Run("bash", [script], ("SHARDS", "8"), ("ATTRIBUTION", stub)).ExitCode, "outside an array it says so");
        Directory.Delete(work, recursive: true);
    }

    [TestMethod]
    public void Shards_split_ids_stably_and_bad_shard_arguments_are_named()
    {
        // FNV-1a 64 of "a" is 0xaf63dc4c8601ec8c (the published test vector).
        Assert.AreEqual(0xaf63dc4c8601ec8cUL, Shard.Hash("a"));
        string[] ids = Enumerable.Range(0, 1000).Select(i => $"images/{i:D4}.png").ToArray();
        int[] sizes = Enumerable.Range(0, 4).Select(i => ids.Count(id => new Shard(i, 4).Owns(id))).ToArray();
        Assert.AreEqual(1000, sizes.Sum(), "every id in exactly one shard");
        Assert.IsTrue(sizes.All(s => s is > 200 and < 300), $"balanced: {string.Join(", ", sizes)}");
        foreach (string bad in new[] { "3", "3/3", "-1/3", "a/3", "1/0", "auto/3" })
        {
            var e = Assert.ThrowsExactly<global::Attribution.Cli.Shared.CliUsageException>(() => Shard.Parse(bad, _ => null));
            StringAssert.Contains(e.Message, "shard", StringComparison.OrdinalIgnoreCase);
        }
    }

    private static int ShardStoreParts(string folder) => Directory.Exists(folder) ? Directory.GetFiles(folder, "*-part-*.parquet").Length : 0;

    private static Dictionary<(string, string), ScoreRow> Rows(string folder) =>
        ShardStore.AllParts(folder).SelectMany(ShardStore.Read).ToDictionary(r => (r.ImageId, r.Method));

    private static List<ScoreRow> ShardRows(string folder, int shard) =>
        Directory.GetFiles(folder, $"shard-{shard:D5}-of-*-part-*.parquet").SelectMany(ShardStore.Read).ToList();

    private static string NewFolder(string name) => Transforms.TransformFixtures.TempFolder("scoring-" + name);

    /// <summary>The CLI in a child process (as a pod or array task runs it), without the scheduler's index unless given.</summary>
    internal static Process StartCli(string[] args, params (string Name, string Value)[] environment) =>
        ChildProcess.StartCli(args, [.. Shard.IndexVariables.Select(v => (v, (string?)null)), .. environment.Select(e => (e.Name, (string?)e.Value))]);

    internal static (int ExitCode, string Output, string Error) Cli(string[] args) => Finish(StartCli(args));

    private static (int ExitCode, string Output, string Error) Run(string command, string[] args, params (string Name, string Value)[] environment) =>
        Finish(ChildProcess.Start(command, args, environment: [.. Shard.IndexVariables.Select(v => (v, (string?)null)), .. environment.Select(e => (e.Name, (string?)e.Value))]));

    private static (int ExitCode, string Output, string Error) Finish(Process process) => ChildProcess.Finish(process, TimeSpan.FromMinutes(10), "a scoring process");
}
