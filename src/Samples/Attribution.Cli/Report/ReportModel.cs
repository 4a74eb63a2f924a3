namespace Attribution.Cli.Report;

/// <summary>What the HTML report shows for one model: the pointing-game table and a gallery of maps.</summary>
internal sealed record ReportModel(
    string Name,
    string Preprocessing,
    int Images,
    int Pairs,
    double Tolerance,
    IReadOnlyList<ReportScore> Scores,
    IReadOnlyList<string> Methods,
    IReadOnlyList<ReportGalleryRow> Gallery);
