namespace Attribution.Cli.Report;

/// <summary>One method's pointing-game scores (NaN when nothing was evaluated).</summary>
internal sealed record ReportScore(string Method, double MeanAccuracy, double? DifficultAccuracy, double PooledAccuracy, int Hits, int Misses, int Failed);
