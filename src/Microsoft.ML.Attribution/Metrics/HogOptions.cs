namespace Microsoft.ML.Attribution.Metrics;

/// <summary>
/// Parameters of <see cref="HistogramOfOrientedGradients"/>; the defaults are skimage.feature.hog's
/// (9 orientations, 8 × 8 pixels a cell, 3 × 3 cells a block). Blocks are always L2-Hys normalized.
/// PathwayGrad's sanity checks used 16 × 16 pixels a cell.
/// </summary>
public sealed record HogOptions
{
    public int Orientations { get; init; } = 9;

    public (int Rows, int Columns) PixelsPerCell { get; init; } = (8, 8);

    public (int Rows, int Columns) CellsPerBlock { get; init; } = (3, 3);
}
