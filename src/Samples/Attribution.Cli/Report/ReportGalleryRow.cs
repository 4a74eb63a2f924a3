namespace Attribution.Cli.Report;

/// <summary>One image of the gallery: the original, the class explained, and per method its map, overlay and outcome.</summary>
internal sealed record ReportGalleryRow(string ImageName, string OriginalPath, string ClassName, IReadOnlyDictionary<string, ReportMapCell> Maps);
