using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Microsoft.ML.Attribution.Tests.Robustness;

/// <summary>
/// The bad-input corpus through <c>attribution explain</c>, one child process per case (two at a time): every case must end in a clear
/// managed answer — exit 1 or 2 with an "error:" line that mentions what was wrong, or exit 0 with the item's error recorded — and never
/// in a dead process (a signal, an abort) or a hang.
/// </summary>
[TestClass]
public sealed class BadInputCorpusTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(120);
    private static BadInputCorpus s_corpus = null!;

    [ClassInitialize]
    public static void Create(TestContext context) =>
        s_corpus = new BadInputCorpus(Path.Combine(Path.GetTempPath(), "mla-corpus", Guid.NewGuid().ToString("N")[..8]));

    [TestMethod]
    public void TheCorpusHasTwoHundredCasesOrMore()
    {
        int count = s_corpus.Models().Count() + s_corpus.Images().Count() + s_corpus.Tensors().Count() + s_corpus.Settings().Count();
        Assert.IsGreaterThanOrEqualTo(200, count, $"{count} cases");
    }

    [TestMethod]
    public void MutatedModelsEndInClearErrors() => RunAll(s_corpus.Models());

    [TestMethod]
    public void CorruptAndTruncatedImagesEndInClearErrors() => RunAll(s_corpus.Images());

    [TestMethod]
    public void MalformedTensorsEndInClearErrors() => RunAll(s_corpus.Tensors());

    [TestMethod]
    public void OutOfRangeTargetsAndOptionsEndInClearErrors() => RunAll(s_corpus.Settings());

    private static void RunAll(IEnumerable<BadInputCase> cases)
    {
        var problems = new ConcurrentBag<string>();
        BadInputCase[] all = cases.ToArray();
        Parallel.ForEach(all, new ParallelOptions { MaxDegreeOfParallelism = 2 }, c =>
        {
            if (Judge(c) is string problem)
                problems.Add($"{c.Name}: {problem}");
        });
        Assert.IsEmpty(problems, $"{problems.Count} of {all.Length} cases:\n" + string.Join("\n", problems.Order()));
    }

    /// <summary>The per-item errors of the case's results.json (none when it was not written).</summary>
    private static string[] RecordedErrors(BadInputCase c)
    {
        string results = Path.Combine(c.Arguments[Array.IndexOf(c.Arguments, "--out") + 1], "results.json");
        if (!File.Exists(results)) return [];
        JsonNode document = JsonNode.Parse(File.ReadAllText(results))!;
        string model = (string?)document["model"] ?? "";
        // Each error as the user reads it in results.json: which model and which input it is about, then the reason.
        return document["items"]!.AsArray()
            .SelectMany(item => (item!["results"]?.AsObject().Select(r => (string?)r.Value!["error"] ?? "") ?? [(string?)item!["error"] ?? ""])
                .Where(e => e.Length > 0)
                .Select(e => $"{model} {(string?)item["source"]}: {e}"))
            .ToArray();
    }

    /// <summary>Whether <paramref name="text"/> names <paramref name="mention"/>, spelled as an option key or as a property ("max-steps", "MaxSteps").</summary>
    private static bool Mentions(string text, string mention)
    {
        if (mention.Length == 0 || text.Contains(mention, StringComparison.Ordinal)) return true;
        static string Loose(string s) => new(s.Where(char.IsLetterOrDigit).Select(char.ToLowerInvariant).ToArray());
        return Loose(mention).Length > 1 && Loose(text).Contains(Loose(mention), StringComparison.Ordinal);
    }

    /// <summary>Null when the case ended clearly; otherwise what went wrong.</summary>
    private static string? Judge(BadInputCase c)
    {
        if (ChildProcess.TryFinish(ChildProcess.StartCli(["explain", .. c.Arguments]), Limit) is not var (exitCode, stdout, stderr))
            return $"hung (killed after {Limit.TotalSeconds} s)";
        string output = Regex.Replace(stdout + stderr, @"\x1B\[[0-9;]*m", "");
        string shown = output.Length > 400 ? output[..400] + "…" : output;
        string[] recorded = RecordedErrors(c);
        switch (exitCode)
        {
            case 1 or 2:
                if (!output.Contains("error", StringComparison.OrdinalIgnoreCase) && recorded.Length == 0)
                    return $"exit {exitCode} without an error line or a recorded error: {shown}";
                if (!Mentions(output + string.Join("\n", recorded), c.Mentions))
                    return $"the error does not mention '{c.Mentions}': {shown}";
                if (output.Contains("   at ", StringComparison.Ordinal) || output.Contains("frame #", StringComparison.Ordinal))
                    return $"a stack trace instead of a message: {shown}";
                return null;
            case 0:
                if (recorded.Length > 0)
                    return Mentions(output + string.Join("\n", recorded), c.Mentions) ? null : $"the recorded error does not mention '{c.Mentions}': {recorded[0]}";
                if (c.MaySucceed)
                    return null;
                return "exit 0 and no error recorded for a bad input (silent garbage?)";
            default:
                return $"the process died (exit {exitCode}): {shown}";
        }
    }
}
