using Microsoft.ML.Attribution.Datasets;

namespace Attribution.Cli.Scoring;

/// <summary>One image to score: its stable id (path relative to the input root), its file, and its boxes when the input has them.</summary>
internal sealed record ScoreInput(string Id, string Path, AnnotatedImage? Annotation);
