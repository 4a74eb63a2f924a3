using System.CommandLine;
using Attribution.Cli.Commands;

var root = new RootCommand("Attribution maps for ONNX image classifiers (Microsoft.ML.Attribution).");
root.Subcommands.Add(InfoCommand.Create());
root.Subcommands.Add(BenchCommand.Create());
root.Subcommands.Add(StudyCommand.Create());
return root.Parse(args).Invoke();
