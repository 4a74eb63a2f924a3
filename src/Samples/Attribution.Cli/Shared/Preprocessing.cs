namespace Attribution.Cli.Shared;

/// <summary>How images become model inputs: resized to Size × Size (stretched), pixels / 255, then (x − mean) / std per channel if given.</summary>
internal sealed record Preprocessing(int Size, float[]? Mean, float[]? Std)
{
    public override string ToString() =>
        $"{Size}×{Size}, /255{(Mean is null ? "" : $", mean {string.Join(",", Mean)}")}{(Std is null ? "" : $", std {string.Join(",", Std)}")}";
}
