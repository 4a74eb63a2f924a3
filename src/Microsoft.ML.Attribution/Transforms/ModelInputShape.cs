namespace Microsoft.ML.Attribution.Transforms;

/// <summary>One row's model input, [C, H, W].</summary>
internal readonly record struct ModelInputShape(int Channels, int Height, int Width)
{
    public int Length => Channels * Height * Width;

    public override string ToString() => $"{Channels}×{Height}×{Width}";
}
