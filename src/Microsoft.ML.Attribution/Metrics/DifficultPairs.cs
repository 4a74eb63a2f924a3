namespace Microsoft.ML.Attribution.Metrics;

/// <summary>
/// The (image, class) pairs of the pointing game's "difficult" subset (Zhang et al., EBP), one row of per-class 0/1
/// flags per image. As in TorchRay, a pair belongs to the subset when its flag is 1 <em>or its image is not listed</em>.
/// </summary>
public sealed class DifficultPairs
{
    private readonly Dictionary<string, bool[]> _flags;

    public DifficultPairs(IReadOnlyList<string> classNames, IReadOnlyDictionary<string, IReadOnlyList<bool>> flagsByImage)
    {
        ArgumentNullException.ThrowIfNull(classNames);
        ArgumentNullException.ThrowIfNull(flagsByImage);
        ClassNames = classNames.ToArray();
        _flags = new Dictionary<string, bool[]>(StringComparer.Ordinal);
        foreach ((string image, IReadOnlyList<bool> flags) in flagsByImage)
        {
            if (flags.Count != ClassNames.Count)
                throw new ArgumentException($"Image '{image}' has {flags.Count} flags for {ClassNames.Count} classes.", nameof(flagsByImage));
            _flags[image] = flags.ToArray();
        }
    }

    public IReadOnlyList<string> ClassNames { get; }

    public int ImageCount => _flags.Count;

    /// <summary>
    /// Reads TorchRay's/EBP's list format (<c>pointing_game_ebp_voc07_difficult.txt</c>): per line an image name
    /// (file name without extension) and one 0/1 flag per class in class order, separated by tabs or spaces.
    /// </summary>
    public static DifficultPairs Load(string path, IReadOnlyList<string> classNames)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(classNames);
        if (!File.Exists(path)) throw new FileNotFoundException($"No difficult-pair list at '{path}'.", path);
        var rows = new Dictionary<string, IReadOnlyList<bool>>(StringComparer.Ordinal);
        int lineNumber = 0;
        foreach (string line in File.ReadLines(path))
        {
            lineNumber++;
            string[] fields = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length == 0) continue;
            if (fields.Length != classNames.Count + 1)
                throw new InvalidDataException($"{path}: line {lineNumber}: expected an image name and {classNames.Count} flags, got {fields.Length} fields");
            var flags = new bool[classNames.Count];
            for (int c = 0; c < flags.Length; c++)
            {
                flags[c] = fields[c + 1] switch
                {
                    "0" => false,
                    "1" => true,
                    var v => throw new InvalidDataException($"{path}: line {lineNumber}: flag {c + 1} ({classNames[c]}): expected 0 or 1, got '{v}'"),
                };
            }
            if (!rows.TryAdd(fields[0], flags))
                throw new InvalidDataException($"{path}: line {lineNumber}: image '{fields[0]}' is listed twice");
        }
        return new DifficultPairs(classNames, rows);
    }

    /// <summary>Whether the pair is in the subset: its flag is set, or its image is not listed (TorchRay's rule).</summary>
    public bool Includes(string imageName, string className)
    {
        if (!_flags.TryGetValue(imageName, out bool[]? flags)) return true;
        for (int c = 0; c < ClassNames.Count; c++)
            if (string.Equals(ClassNames[c], className, StringComparison.Ordinal)) return flags[c];
        throw new ArgumentException($"'{className}' is not one of the difficult list's {ClassNames.Count} classes.", nameof(className));
    }
}
