using Microsoft.ML.Attribution.Datasets;
using Microsoft.ML.Attribution.Tensors;
using static TorchSharp.torch;

namespace Microsoft.ML.Attribution.Metrics;

/// <summary>
/// The pointing game as TorchRay benchmarks it (methods.md §6.1). For every class present in an image the map's first
/// maximum in row-major order is the point (u = column, v = row); it is a hit when some ground-truth pixel of that class
/// lies strictly within <see cref="Tolerance"/> pixels: ∃ (u′, v′) ∈ Ω with (u − u′)² + (v − v′)² &lt; tolerance².
/// Ω is the union of the class's boxes clipped to the image (or a segmentation mask). A class whose boxes are all
/// PASCAL-difficult is skipped. Results accumulate per class; <see cref="Summarize"/> gives the per-class mean
/// accuracy on the full set and on the optional difficult subset.
/// Maps must already be at the original image size (the protocol resizes them before pointing).
/// </summary>
public sealed class PointingGame
{
    public const double DefaultTolerance = 15;

    private readonly Dictionary<string, int> _classIndex;
    private readonly int[] _hits, _misses, _difficultHits, _difficultMisses;

    /// <param name="classNames">The dataset's classes; the summary lists them in this order.</param>
    /// <param name="tolerance">Radius in pixels of the acceptance disc (strict inequality).</param>
    /// <param name="difficultPairs">The pairs of the difficult subset; without it only "All" is reported.</param>
    public PointingGame(IReadOnlyList<string> classNames, double tolerance = DefaultTolerance, DifficultPairs? difficultPairs = null)
    {
        ArgumentNullException.ThrowIfNull(classNames);
        if (!(tolerance > 0) || !double.IsFinite(tolerance))
            throw new ArgumentOutOfRangeException(nameof(tolerance), tolerance, "The tolerance must be a positive number of pixels.");
        ClassNames = classNames.ToArray();
        _classIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < ClassNames.Count; i++)
            if (!_classIndex.TryAdd(ClassNames[i], i)) throw new ArgumentException($"Class '{ClassNames[i]}' is listed twice.", nameof(classNames));
        Tolerance = tolerance;
        DifficultPairs = difficultPairs;
        _hits = new int[ClassNames.Count];
        _misses = new int[ClassNames.Count];
        _difficultHits = new int[ClassNames.Count];
        _difficultMisses = new int[ClassNames.Count];
    }

    public IReadOnlyList<string> ClassNames { get; }

    public double Tolerance { get; }

    public DifficultPairs? DifficultPairs { get; }

    /// <summary>The first maximum of the map in row-major order as (u = column, v = row). NaN or infinite values are an error.</summary>
    public static ImagePoint MaximumOf(float[,] map) => MaximumOf(Map2D.From(map, nameof(map)));

    /// <inheritdoc cref="MaximumOf(float[,])"/>
    public static ImagePoint MaximumOf(Tensor map) => MaximumOf(Map2D.From(map, nameof(map)));

    internal static ImagePoint MaximumOf(Map2D map)
    {
        map.RequireFinite("map");
        int best = 0;
        for (int i = 1; i < map.Values.Length; i++)
            if (map.Values[i] > map.Values[best]) best = i;
        return new ImagePoint(best % map.Width, best / map.Width);
    }

    /// <summary>
    /// Whether a ground-truth pixel of any box lies strictly within <paramref name="tolerance"/> of the point.
    /// Boxes are clipped to a <paramref name="width"/> × <paramref name="height"/> image (0 = unknown size: not clipped).
    /// </summary>
    public static bool Hits(ImagePoint point, IEnumerable<BoundingBox> boxes, int width, int height, double tolerance = DefaultTolerance)
    {
        ArgumentNullException.ThrowIfNull(boxes);
        double limit = tolerance * tolerance;
        foreach (BoundingBox box in boxes)
        {
            if (box.PixelRange(width, height) is not var (c0, c1, r0, r1)) continue;
            // Ω ∩ box is a product of two integer ranges, so the nearest pixel is found per axis.
            double du = DistanceToPixelRange(point.Column, c0, c1), dv = DistanceToPixelRange(point.Row, r0, r1);
            if (du * du + dv * dv < limit) return true;
        }
        return false;
    }

    /// <summary>Whether a true pixel of the [H, W] mask lies strictly within <paramref name="tolerance"/> of the point.</summary>
    public static bool Hits(ImagePoint point, bool[,] mask, double tolerance = DefaultTolerance)
    {
        ArgumentNullException.ThrowIfNull(mask);
        int height = mask.GetLength(0), width = mask.GetLength(1);
        double limit = tolerance * tolerance;
        int rowFirst = Math.Max(0, (int)Math.Floor(point.Row - tolerance)), rowLast = Math.Min(height - 1, (int)Math.Ceiling(point.Row + tolerance));
        int columnFirst = Math.Max(0, (int)Math.Floor(point.Column - tolerance)), columnLast = Math.Min(width - 1, (int)Math.Ceiling(point.Column + tolerance));
        for (int r = rowFirst; r <= rowLast; r++)
        {
            double dv = r - point.Row;
            for (int c = columnFirst; c <= columnLast; c++)
            {
                double du = c - point.Column;
                if (mask[r, c] && du * du + dv * dv < limit) return true;
            }
        }
        return false;
    }

    /// <summary>
    /// The outcome of one pair on the full set, without recording it: skipped when every box of the class is
    /// PASCAL-difficult, otherwise hit or miss against all of the class's boxes (difficult ones included, as in TorchRay).
    /// </summary>
    public PointingOutcome Evaluate(AnnotatedImage image, string className, ImagePoint point)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(className);
        RequireClass(className);
        GroundTruthObject[] objects = image.ObjectsOf(className).ToArray();
        if (objects.Length == 0)
            throw new ArgumentException($"'{image.Name}' has no '{className}' object; the pointing game evaluates only classes present in the image.", nameof(className));
        if (objects.All(o => o.Difficult)) return PointingOutcome.Skipped;
        return Hits(point, objects.Select(o => o.Box), image.Width, image.Height, Tolerance) ? PointingOutcome.Hit : PointingOutcome.Miss;
    }

    /// <summary>Evaluates and records one (image, class) pair, on the full set and, if configured, the difficult subset.</summary>
    public PointingResult Add(AnnotatedImage image, string className, ImagePoint point)
    {
        PointingOutcome all = Evaluate(image, className, point);
        bool inDifficult = DifficultPairs?.Includes(image.Name, className) ?? false;
        PointingOutcome difficult = inDifficult ? all : PointingOutcome.Skipped;
        Record(className, all, inDifficult);
        return new PointingResult(image.Name, className, point, all, difficult);
    }

    /// <summary>Points at the map's maximum, then <see cref="Add(AnnotatedImage, string, ImagePoint)"/>. The map must be H × W of the image.</summary>
    public PointingResult Add(AnnotatedImage image, string className, float[,] map) =>
        AddMap(image, className, Map2D.From(map, nameof(map)));

    /// <inheritdoc cref="Add(AnnotatedImage, string, float[,])"/>
    public PointingResult Add(AnnotatedImage image, string className, Tensor map) =>
        AddMap(image, className, Map2D.From(map, nameof(map)));

    /// <summary>
    /// Evaluates and records a pair whose ground truth is a segmentation mask [H, W] (TorchRay's COCO protocol).
    /// No PASCAL-difficult skipping applies; the difficult subset (if configured) is looked up by image name.
    /// </summary>
    public PointingResult Add(string imageName, string className, bool[,] mask, ImagePoint point)
    {
        ArgumentNullException.ThrowIfNull(imageName);
        ArgumentNullException.ThrowIfNull(className);
        RequireClass(className);
        PointingOutcome all = Hits(point, mask, Tolerance) ? PointingOutcome.Hit : PointingOutcome.Miss;
        bool inDifficult = DifficultPairs?.Includes(imageName, className) ?? false;
        Record(className, all, inDifficult);
        return new PointingResult(imageName, className, point, all, inDifficult ? all : PointingOutcome.Skipped);
    }

    /// <summary>Records an outcome computed elsewhere (e.g. results replayed from a log).</summary>
    public void Record(string className, PointingOutcome outcome, bool inDifficultSubset = false)
    {
        int c = RequireClass(className);
        if (outcome == PointingOutcome.Hit) { _hits[c]++; if (inDifficultSubset) _difficultHits[c]++; }
        else if (outcome == PointingOutcome.Miss) { _misses[c]++; if (inDifficultSubset) _difficultMisses[c]++; }
        else if (outcome != PointingOutcome.Skipped) throw new ArgumentOutOfRangeException(nameof(outcome), outcome, "Unknown outcome.");
    }

    public PointingGameSummary Summarize() => new(
        Tolerance,
        new PointingGameScore(ClassNames.Select((name, c) => new ClassPointingScore(name, _hits[c], _misses[c])).ToList()),
        DifficultPairs is null ? null
            : new PointingGameScore(ClassNames.Select((name, c) => new ClassPointingScore(name, _difficultHits[c], _difficultMisses[c])).ToList()));

    public void Reset()
    {
        Array.Clear(_hits);
        Array.Clear(_misses);
        Array.Clear(_difficultHits);
        Array.Clear(_difficultMisses);
    }

    private PointingResult AddMap(AnnotatedImage image, string className, Map2D map)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (image.HasKnownSize && (map.Width != image.Width || map.Height != image.Height))
            throw new ArgumentException($"The map is {map.Width}×{map.Height} but '{image.Name}' is {image.Width}×{image.Height}; " +
                "resize the map to the original image size before pointing (methods.md §6.1 step 2).", "map");
        // An annotation without a size (CSV) takes the map's: it is at original resolution, so boxes clip to it.
        AnnotatedImage sized = image.HasKnownSize ? image : image with { Width = map.Width, Height = map.Height };
        return Add(sized, className, MaximumOf(map));
    }

    /// <summary>Distance from x to the nearest integer in [first, last].</summary>
    private static double DistanceToPixelRange(double x, int first, int last)
    {
        if (x < first) return first - x;
        if (x > last) return x - last;
        return Math.Min(x - Math.Floor(x), Math.Ceiling(x) - x);
    }

    private int RequireClass(string className) =>
        _classIndex.TryGetValue(className, out int c) ? c
            : throw new ArgumentException($"'{className}' is not one of the pointing game's {ClassNames.Count} classes.", nameof(className));
}
