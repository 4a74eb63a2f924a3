namespace Attribution.Cli.Shared;

/// <summary>A mistake in the command line or its inputs: printed as one line and exit code 2, without a stack trace.</summary>
internal sealed class CliUsageException(string message) : Exception(message);
