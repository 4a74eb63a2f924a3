using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Attribution.Cli.Bench;

/// <summary>
/// Debian's PyTorch as a timing reference (tools/torch_bench_server.py), kept alive so the two sides
/// can be timed alternately in one run. A development tool only: the library never needs Python.
/// </summary>
internal sealed class TorchReference : IDisposable
{
    private readonly Process _process;

    private TorchReference(Process process) => _process = process;

    public static TorchReference Start(string python = "/usr/bin/python3")
    {
        string script = FindScript();
        var info = new ProcessStartInfo(python, $"\"{script}\"")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = false,
            UseShellExecute = false,
        };
        Process process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {python} {script}.");
        var reference = new TorchReference(process);
        reference.Time(new JsonObject { ["task"] = "ping" }); // python and torch finish loading before anything is timed
        return reference;
    }

    /// <summary>Runs a task in the reference process: its per-iteration seconds and its peak RSS in MB (model included).</summary>
    public (double[] Seconds, double? PeakMegabytes) Time(JsonObject request)
    {
        _process.StandardInput.WriteLine(request.ToJsonString());
        _process.StandardInput.Flush();
        string? line = _process.StandardOutput.ReadLine()
            ?? throw new InvalidOperationException("The torch reference process exited (is python3-torch installed? bash eng/install-prerequisites.sh).");
        JsonNode reply = JsonNode.Parse(line)!;
        if (reply["error"] is JsonNode error) throw new InvalidOperationException($"torch reference failed: {error}");
        double[] seconds = reply["seconds"]!.AsArray().Select(n => n!.GetValue<double>()).ToArray();
        return (seconds, reply["peak_rss_mb"]?.GetValue<double>());
    }

    private static string FindScript()
    {
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "tools", "torch_bench_server.py");
            if (File.Exists(candidate)) return candidate;
        }
        throw new FileNotFoundException("tools/torch_bench_server.py not found above " + AppContext.BaseDirectory);
    }

    public void Dispose()
    {
        try
        {
            _process.StandardInput.Close();
            if (!_process.WaitForExit(5000)) _process.Kill();
        }
        catch (InvalidOperationException) { }
        _process.Dispose();
    }
}
