using System.CommandLine;
using TorchSharp;
using static TorchSharp.torch;
using Microsoft.ML.Attribution.Tensors;
using Spectre.Console;

namespace Attribution.Cli.Commands;

/// <summary>`attribution info`: the engine this build runs on (libtorch version, threads, devices, BLAS).</summary>
internal static class InfoCommand
{
    public static Command Create()
    {
        var command = new Command("info", "Show the libtorch build, thread count and available devices.");
        command.SetAction(result =>
        {
            var table = new Table().AddColumns("property", "value");
            table.AddRow("TorchSharp", Microsoft.ML.Attribution.Runtime.TorchSharpRuntime.TorchSharpVersion);
            table.AddRow("libtorch", torch.__version__);
            table.AddRow("threads", torch.get_num_threads().ToString());
            table.AddRow("inter-op threads", torch.get_num_interop_threads().ToString());
            table.AddRow("cuda", torch.cuda.is_available() ? $"{torch.cuda.device_count()} device(s)" : "not available");
            AnsiConsole.Write(table);
            return 0;
        });
        return command;
    }
}
