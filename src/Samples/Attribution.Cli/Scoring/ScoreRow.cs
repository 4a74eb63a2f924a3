namespace Attribution.Cli.Scoring;

/// <summary>One (image, method) result as stored in the Parquet parts (property names are the column names).</summary>
public sealed class ScoreRow
{
    /// <summary>The image's path relative to the input root (folder, dataset or CSV): stable across machines.</summary>
    public string ImageId { get; set; } = "";

    public string Method { get; set; } = "";

    /// <summary>The explained class (null when the row failed before it was known).</summary>
    public int? Target { get; set; }

    public float? Logit { get; set; }

    /// <summary>The reduced map, row-major [MapHeight, MapWidth] (null with --maps npy, or when the row failed).</summary>
    public float[]? Map { get; set; }

    public int MapHeight { get; set; }

    public int MapWidth { get; set; }

    /// <summary>With --maps npy: the map's .npy file, relative to the output folder.</summary>
    public string? MapFile { get; set; }

    /// <summary>Whether the map's maximum hits a box of the target class (null without boxes, or when the class has none in the image).</summary>
    public bool? PointingHit { get; set; }

    /// <summary>The map's maximum in image pixels (column, row), when the image has boxes.</summary>
    public int? MaxPointX { get; set; }

    public int? MaxPointY { get; set; }

    /// <summary>Deletion AUC (methods.md §6.3) with --metric deletion; null otherwise or when the row failed.</summary>
    public double? DeletionAuc { get; set; }

    /// <summary>Insertion AUC with --metric insertion.</summary>
    public double? InsertionAuc { get; set; }

    /// <summary>The explanation's seconds (its batch's time divided by the batch's rows); deletion/insertion not included.</summary>
    public double Seconds { get; set; }

    /// <summary>Why the row could not be explained; empty when it was.</summary>
    public string Error { get; set; } = "";
}
