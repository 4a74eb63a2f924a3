using System.CommandLine;
using Attribution.Cli.Commands;

namespace Attribution.Cli;

/// <summary>The `attribution` command line. With no arguments it runs the main job (<c>report</c> on the bundled models and samples).</summary>
internal static class CliApp
{
    public static RootCommand CreateRoot()
    {
        var root = new RootCommand("Attribution maps for ONNX image classifiers (Microsoft.ML.Attribution). Without arguments: the report on the bundled models and sample images.");
        root.Subcommands.Add(ExplainCommand.Create());
        root.Subcommands.Add(EvaluateCommand.Create());
        root.Subcommands.Add(SanityCommand.Create());
        root.Subcommands.Add(MethodsCommand.Create());
        root.Subcommands.Add(ReportCommand.Create());
        root.Subcommands.Add(BenchCommand.Create());
        root.Subcommands.Add(StudyCommand.Create());
        root.Subcommands.Add(InfoCommand.Create());
        root.Subcommands.Add(ScoreCommand.Create());
        root.Subcommands.Add(MergeCommand.Create());
        root.SetAction(ReportCommand.RunDefaults);
        return root;
    }

    public static int Run(string[] args) => CreateRoot().Parse(args).Invoke();
}
