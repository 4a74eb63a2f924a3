return Attribution.Cli.CliApp.Run(args);
