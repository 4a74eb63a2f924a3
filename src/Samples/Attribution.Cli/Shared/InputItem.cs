namespace Attribution.Cli.Shared;

/// <summary>
/// One thing to explain: an image file (preprocessed by the pipeline) or one row of a .npy tensor [N,C,H,W] (used as-is).
/// <see cref="Name"/> is unique within a run and names the output files.
/// </summary>
internal sealed record InputItem(string Name, string Source, string? ImagePath, float[]? Pixels, int Channels, int Height, int Width, int? NpyIndex)
{
    public bool IsImage => ImagePath is not null;
}
