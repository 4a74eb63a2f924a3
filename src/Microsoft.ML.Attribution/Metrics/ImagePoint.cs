namespace Microsoft.ML.Attribution.Metrics;

/// <summary>
/// A point in image pixel coordinates, TorchRay's (u, v): <see cref="Column"/> = u, <see cref="Row"/> = v, 0-based.
/// Fractional for the center baseline (TorchRay's center point is (W/2, H/2)).
/// </summary>
public readonly record struct ImagePoint(double Column, double Row)
{
    public override string ToString() => $"(u={Column}, v={Row})";
}
