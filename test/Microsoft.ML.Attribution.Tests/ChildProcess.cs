using System.Diagnostics;

namespace Microsoft.ML.Attribution.Tests;

/// <summary>
/// A command in a child process, as a user, a pod or a build runs it: both streams read concurrently (so neither pipe fills and
/// blocks it), killed with its children when it overruns.
/// </summary>
internal static class ChildProcess
{
    /// <summary>The CLI built beside the tests.</summary>
    public static string CliDll => Path.Combine(AppContext.BaseDirectory, "attribution.dll");

    /// <param name="environment">Variables to set; a null value removes the variable.</param>
    public static Process Start(string command, IEnumerable<string> args, string? folder = null, IEnumerable<(string Name, string? Value)>? environment = null)
    {
        var start = new ProcessStartInfo(command) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (folder is not null) start.WorkingDirectory = folder;
        foreach (string arg in args) start.ArgumentList.Add(arg);
        foreach ((string name, string? value) in environment ?? [])
        {
            if (value is null) start.Environment.Remove(name);
            else start.Environment[name] = value;
        }
        return Process.Start(start)!;
    }

    /// <summary>The CLI (attribution.dll) with one OpenMP thread, so child processes beside the test host do not oversubscribe the cores.</summary>
    public static Process StartCli(IEnumerable<string> args, IEnumerable<(string Name, string? Value)>? environment = null) =>
        Start("dotnet", [CliDll, .. args], environment: [("OMP_NUM_THREADS", "1"), .. environment ?? []]);

    /// <summary>Waits for the process; null when it overran <paramref name="limit"/> (it is then killed).</summary>
    public static (int ExitCode, string Output, string Error)? TryFinish(Process process, TimeSpan limit)
    {
        using (process)
        {
            Task<string> output = process.StandardOutput.ReadToEndAsync(), error = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(limit))
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit();
                return null;
            }
            return (process.ExitCode, output.Result, error.Result);
        }
    }

    /// <summary>Waits for the process; overrunning <paramref name="limit"/> fails the test, naming <paramref name="what"/>.</summary>
    public static (int ExitCode, string Output, string Error) Finish(Process process, TimeSpan limit, string what) =>
        TryFinish(process, limit) ?? throw new AssertFailedException($"{what} did not finish in {limit.TotalMinutes:0.#} minutes");

    public static (int ExitCode, string Output, string Error) Run(string command, IEnumerable<string> args, TimeSpan limit, string? folder = null,
        IEnumerable<(string Name, string? Value)>? environment = null)
    {
        string[] list = args.ToArray();
        return Finish(Start(command, list, folder, environment), limit, $"`{command} {string.Join(' ', list)}`");
    }
}
