using Microsoft.ML.Attribution.Datasets;
using Microsoft.ML.Attribution.Tensors;
using static TorchSharp.torch;

namespace Microsoft.ML.Attribution.Metrics;

/// <summary>
/// Energy-based pointing game (Wang et al., Score-CAM, 2020): the fraction of the map's positive energy that falls
/// inside the class's ground truth, Σ_{Ω} max(m, 0) / Σ max(m, 0). Unlike the pointing game it looks at the whole map,
/// not only its maximum. A map with no positive value scores 0 (it puts no energy on the object).
/// The map must be at the original image size.
/// </summary>
public static class EnergyPointingGame
{
    /// <summary>Energy inside the union of the boxes (0-based inclusive pixels, clipped to the map).</summary>
    public static double Score(float[,] map, IEnumerable<BoundingBox> boxes) => Score(Map2D.From(map, nameof(map)), boxes);

    /// <inheritdoc cref="Score(float[,], IEnumerable{BoundingBox})"/>
    public static double Score(Tensor map, IEnumerable<BoundingBox> boxes) => Score(Map2D.From(map, nameof(map)), boxes);

    /// <summary>Energy inside the class's boxes in the image (difficult ones included).</summary>
    public static double Score(AnnotatedImage image, string className, float[,] map)
    {
        ArgumentNullException.ThrowIfNull(image);
        Map2D m = Map2D.From(map, nameof(map));
        if (image.HasKnownSize && (m.Width != image.Width || m.Height != image.Height))
            throw new ArgumentException($"The map is {m.Width}×{m.Height} but '{image.Name}' is {image.Width}×{image.Height}; resize it first.", nameof(map));
        BoundingBox[] boxes = image.ObjectsOf(className).Select(o => o.Box).ToArray();
        if (boxes.Length == 0) throw new ArgumentException($"'{image.Name}' has no '{className}' object.", nameof(className));
        return Score(m, boxes);
    }

    /// <summary>Energy inside the true pixels of a [H, W] mask of the map's size.</summary>
    public static double Score(float[,] map, bool[,] mask)
    {
        ArgumentNullException.ThrowIfNull(mask);
        Map2D m = Map2D.From(map, nameof(map));
        if (mask.GetLength(0) != m.Height || mask.GetLength(1) != m.Width)
            throw new ArgumentException($"The mask is {mask.GetLength(1)}×{mask.GetLength(0)} but the map is {m.Width}×{m.Height}.", nameof(mask));
        var inside = new bool[m.Values.Length];
        int i = 0;
        foreach (bool b in mask) inside[i++] = b;
        return Fraction(m, inside);
    }

    private static double Score(Map2D map, IEnumerable<BoundingBox> boxes)
    {
        ArgumentNullException.ThrowIfNull(boxes);
        var inside = new bool[map.Values.Length];
        foreach (BoundingBox box in boxes)
        {
            if (box.PixelRange(map.Width, map.Height) is not var (c0, c1, r0, r1)) continue;
            for (int r = r0; r <= r1; r++)
                for (int c = c0; c <= c1; c++)
                    inside[r * map.Width + c] = true; // a union: overlapping boxes count once
        }
        return Fraction(map, inside);
    }

    private static double Fraction(Map2D map, bool[] inside)
    {
        map.RequireFinite("map");
        double total = 0, within = 0;
        for (int i = 0; i < map.Values.Length; i++)
        {
            double energy = Math.Max(map.Values[i], 0);
            total += energy;
            if (inside[i]) within += energy;
        }
        return total > 0 ? within / total : 0;
    }
}
