namespace Attribution.Cli.Report;

/// <summary>One image of the gallery: the original, the class explained, and per method the overlay (relative path) and outcome.</summary>
internal sealed record ReportGalleryRow(string ImageName, string OriginalPath, string ClassName, IReadOnlyDictionary<string, (string? Overlay, string Outcome)> Maps);
