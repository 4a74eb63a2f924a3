using Microsoft.ML.Attribution.Tensors;
using static TorchSharp.torch;

namespace Microsoft.ML.Attribution.Metrics;

/// <summary>
/// The pointing game's "center" baseline: a method that ignores the image and always points at its center.
/// TorchRay uses the point (W/2, H/2) directly (<see cref="Point"/>). <see cref="CreateMap"/> gives a map that peaks
/// there, so the baseline can run through the same code as real methods; its first maximum is
/// (⌊W/2⌋, ⌊H/2⌋), which differs from TorchRay's point by half a pixel along an odd side.
/// </summary>
public static class CenterBaseline
{
    /// <summary>The method name the benchmark reports the baseline under.</summary>
    public const string MethodName = "center";

    /// <summary>TorchRay's center point (W/2, H/2) as (u = column, v = row).</summary>
    public static ImagePoint Point(int width, int height)
    {
        RequireSize(width, height);
        return new ImagePoint(width / 2.0, height / 2.0);
    }

    /// <summary>An [H, W] map 1 / (1 + d²), d = distance to (W/2, H/2): positive, peaking at the center, falling off smoothly.</summary>
    public static float[,] CreateMap(int width, int height)
    {
        RequireSize(width, height);
        var map = new float[height, width];
        double cu = width / 2.0, cv = height / 2.0;
        for (int r = 0; r < height; r++)
            for (int c = 0; c < width; c++)
                map[r, c] = (float)(1 / (1 + (c - cu) * (c - cu) + (r - cv) * (r - cv)));
        return map;
    }

    /// <summary><see cref="CreateMap"/> as a float32 tensor [H, W].</summary>
    public static Tensor CreateMapTensor(int width, int height)
    {
        float[,] map = CreateMap(width, height);
        var flat = new float[map.Length];
        Buffer.BlockCopy(map, 0, flat, 0, map.Length * sizeof(float));
        return tensor(flat, new long[] { height, width });
    }

    private static void RequireSize(int width, int height)
    {
        if (width <= 0 || height <= 0) throw new ArgumentException($"The image size must be positive, got {width}×{height}.");
    }
}
