namespace Attribution.Cli.Scoring;

/// <summary>
/// What a shard was given and whether it finished: written when the shard starts (Complete = false) and again when every row is
/// committed. `merge` checks the run against these: a shard without a manifest never started, one with Complete = false stopped.
/// </summary>
public sealed class ShardManifest
{
    public int Shard { get; set; }

    public int ShardCount { get; set; }

    public List<string> Methods { get; set; } = [];

    /// <summary>The ids of the images this shard owns, sorted.</summary>
    public List<string> ImageIds { get; set; } = [];

    /// <summary>Class names when the input has them (dataset), for per-class summaries.</summary>
    public List<string>? ClassNames { get; set; }

    public bool Complete { get; set; }
}
