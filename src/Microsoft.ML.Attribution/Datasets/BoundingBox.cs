namespace Microsoft.ML.Attribution.Datasets;

/// <summary>
/// An axis-aligned box in 0-based, inclusive pixel coordinates: pixel (column, row) belongs to the box when
/// <c>XMin ≤ column ≤ XMax</c> and <c>YMin ≤ row ≤ YMax</c>. Coordinates are doubles because COCO boxes are fractional.
/// </summary>
public readonly record struct BoundingBox
{
    public BoundingBox(double xMin, double yMin, double xMax, double yMax)
    {
        if (!double.IsFinite(xMin) || !double.IsFinite(yMin) || !double.IsFinite(xMax) || !double.IsFinite(yMax))
            throw new ArgumentException($"Box coordinates must be finite, got ({xMin}, {yMin}, {xMax}, {yMax}).");
        if (xMax < xMin || yMax < yMin)
            throw new ArgumentException($"Box ({xMin}, {yMin}, {xMax}, {yMax}) has its maximum below its minimum.");
        XMin = xMin;
        YMin = yMin;
        XMax = xMax;
        YMax = yMax;
    }

    public double XMin { get; }
    public double YMin { get; }
    public double XMax { get; }
    public double YMax { get; }

    /// <summary>PASCAL VOC stores 1-based inclusive corners; TorchRay subtracts 1 from each.</summary>
    public static BoundingBox FromVoc(double xMin, double yMin, double xMax, double yMax) =>
        new(xMin - 1, yMin - 1, xMax - 1, yMax - 1);

    /// <summary>
    /// COCO stores [x, y, width, height]. For whole-pixel boxes the covered pixels are x … x+width−1,
    /// so that is the inclusive maximum.
    /// </summary>
    public static BoundingBox FromCoco(double x, double y, double width, double height)
    {
        if (width < 0 || height < 0) throw new ArgumentException($"COCO box [{x}, {y}, {width}, {height}] has a negative size.");
        return new(x, y, x + Math.Max(width - 1, 0), y + Math.Max(height - 1, 0));
    }

    public bool Contains(int column, int row) => column >= XMin && column <= XMax && row >= YMin && row <= YMax;

    /// <summary>
    /// The whole pixels inside the box and inside a width × height image, as inclusive index ranges;
    /// null when none are (the box lies outside the image or between pixel centres).
    /// Width or height 0 means the image size is unknown: that axis is then not clipped.
    /// </summary>
    public (int ColumnFirst, int ColumnLast, int RowFirst, int RowLast)? PixelRange(int width, int height)
    {
        double columnFirst = Math.Ceiling(XMin), columnLast = Math.Floor(XMax);
        double rowFirst = Math.Ceiling(YMin), rowLast = Math.Floor(YMax);
        if (width > 0) { columnFirst = Math.Max(columnFirst, 0); columnLast = Math.Min(columnLast, width - 1); }
        if (height > 0) { rowFirst = Math.Max(rowFirst, 0); rowLast = Math.Min(rowLast, height - 1); }
        if (columnLast < columnFirst || rowLast < rowFirst) return null;
        return ((int)columnFirst, (int)columnLast, (int)rowFirst, (int)rowLast);
    }

    public override string ToString() => $"[{XMin}, {YMin}, {XMax}, {YMax}]";
}
