namespace Microsoft.ML.Attribution.Datasets;

/// <summary>One annotated object: its class, its box and the PASCAL VOC "difficult" flag (false for formats without it).</summary>
public sealed record GroundTruthObject(string ClassName, BoundingBox Box, bool Difficult = false);
