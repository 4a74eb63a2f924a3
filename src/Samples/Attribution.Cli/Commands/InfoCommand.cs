using System.CommandLine;
using Microsoft.ML.Attribution.Torch;
using Spectre.Console;

namespace Attribution.Cli.Commands;

/// <summary>`attribution info`: the engine this build runs on (libtorch version, threads, devices, BLAS).</summary>
internal static class InfoCommand
{
    public static Command Create()
    {
        var command = new Command("info", "Show the libtorch build, thread count and available devices.");
        var verbose = new Option<bool>("--verbose") { Description = "Also print libtorch's full build configuration." };
        command.Options.Add(verbose);
        command.SetAction(result =>
        {
            var table = new Table().AddColumns("property", "value");
            table.AddRow("libtorch", torch.__version__);
            table.AddRow("threads", torch.get_num_threads().ToString());
            table.AddRow("cuda", torch.cuda.is_available() ? $"{torch.cuda.device_count()} device(s)" : "not available");
            AnsiConsole.Write(table);
            if (result.GetValue(verbose)) Console.WriteLine(torch.__config__);
            return 0;
        });
        return command;
    }
}
