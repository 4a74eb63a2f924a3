using Microsoft.ML.Attribution.Tensors;
using Spectre.Console;

namespace Attribution.Cli.Shared;

/// <summary>
/// Runs a command's body: usage mistakes print one line and return 2; bad inputs the library rejects (an argument out of
/// range, a missing or malformed file, an unsupported model) print their message and return 1; anything else propagates.
/// </summary>
internal static class CommandRunner
{
    public static int Run(Func<int> body)
    {
        try
        {
            return body();
        }
        catch (CliUsageException e)
        {
            AnsiConsole.MarkupLine($"[red]error:[/] {Markup.Escape(e.Message)}");
            return 2;
        }
        catch (Exception e) when (e is ArgumentException or FileNotFoundException or DirectoryNotFoundException or InvalidDataException or NotSupportedException
                                       or InvalidOperationException or System.Runtime.InteropServices.ExternalException)
        {
            AnsiConsole.MarkupLine($"[red]error:[/] {Markup.Escape(ErrorText.Of(e))}");
            if (Environment.GetEnvironmentVariable("ATTRIBUTION_STACK_TRACES") == "1") Console.Error.WriteLine(e);
            return 1;
        }
    }

    /// <summary>Runs <paramref name="work"/> with a progress bar per (label, total rows), or without bars when output is redirected.</summary>
    public static void WithProgress(IReadOnlyList<(string Label, int Total)> tasks, Action<Func<int, Action<int>>> work)
    {
        if (!AnsiConsole.Profile.Capabilities.Interactive)
        {
            work(_ => _ => { });
            return;
        }
        AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .Start(context =>
            {
                ProgressTask[] bars = tasks.Select(t => context.AddTask(Markup.Escape(t.Label), maxValue: Math.Max(1, t.Total))).ToArray();
                work(index => rows => bars[index].Increment(rows));
            });
    }
}
