namespace Attribution.Cli.Report;

/// <summary>
/// One method's picture of one image in the report: the map alone and over the image (paths relative to the report, null when the
/// method failed), its pointing-game outcome and point (fractions of the image's width and height), and its colour bar with the
/// map values at the bar's two ends.
/// </summary>
internal sealed record ReportMapCell(string? MapPath, string? OverlayPath, string Outcome, (double Column, double Row)? Point,
    string? ColorBarPath, double Low, double High);
