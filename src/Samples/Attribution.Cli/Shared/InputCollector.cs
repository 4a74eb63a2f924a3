using Microsoft.ML.Attribution.Maps;
using TorchSharp;
using Microsoft.ML.Attribution.Tensors;
using static TorchSharp.torch;

namespace Attribution.Cli.Shared;

/// <summary>Expands --input arguments: image files, folders (their images and .npy files, sorted), and .npy tensors [N,C,H,W] or [C,H,W].</summary>
internal static class InputCollector
{
    private static readonly HashSet<string> ImageExtensions = new(StringComparer.OrdinalIgnoreCase) { ".png", ".jpg", ".jpeg", ".bmp", ".tif", ".tiff", ".webp" };

    public static IReadOnlyList<InputItem> Collect(IEnumerable<string> inputs)
    {
        var items = new List<InputItem>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        var emptyFolders = new List<string>();
        foreach (string input in inputs)
        {
            if (Directory.Exists(input))
            {
                IEnumerable<string> files = Directory.EnumerateFiles(input)
                    .Where(f => ImageExtensions.Contains(Path.GetExtension(f)) || IsNpy(f)).Order(StringComparer.Ordinal);
                int before = items.Count;
                foreach (string file in files)
                    AddFile(file, items, names);
                if (items.Count == before)
                    emptyFolders.Add(input);
            }
            else if (File.Exists(input))
            {
                AddFile(input, items, names);
            }
            else
            {
                throw new CliUsageException($"--input '{input}' is neither a file nor a folder.");
            }
        }
        if (items.Count == 0)
            throw new CliUsageException(emptyFolders.Count > 0
                ? $"No inputs: the folder{(emptyFolders.Count > 1 ? "s" : "")} '{string.Join("', '", emptyFolders)}' hold{(emptyFolders.Count > 1 ? "" : "s")} no images ({string.Join(" ", ImageExtensions.Order())}) or .npy tensors."
                : "No inputs: give image files, folders of images, or .npy tensors with --input.");
        return items;
    }

    private static bool IsNpy(string path) => Path.GetExtension(path).Equals(".npy", StringComparison.OrdinalIgnoreCase);

    private static void AddFile(string file, List<InputItem> items, HashSet<string> names)
    {
        string stem = Path.GetFileNameWithoutExtension(file);
        if (!IsNpy(file))
        {
            items.Add(new InputItem(Unique(stem, names), file, file, null, 0, 0, 0, null));
            return;
        }
        using DisposeScope scope = NewDisposeScope();
        Tensor loaded;
        try
        {
            loaded = Npy.Load(file);
        }
        catch (Exception e) when (e is InvalidDataException or NotSupportedException)
        {
            throw new CliUsageException($"Cannot read '{file}': {e.Message}");
        }
        if (loaded.dtype is not (ScalarType.Float32 or ScalarType.Float64) || loaded.Dimensions is not (3 or 4))
            throw new CliUsageException($"'{file}' must hold float32 inputs [N,C,H,W] or [C,H,W]; it holds {loaded.Describe()}.");
        Tensor batch = (loaded.Dimensions == 3 ? loaded.unsqueeze(0) : loaded).to(ScalarType.Float32).contiguous();
        int n = (int)batch.shape[0], c = (int)batch.shape[1], h = (int)batch.shape[2], w = (int)batch.shape[3];
        for (int i = 0; i < n; i++)
        {
            var pixels = new float[c * h * w];
            batch[i].contiguous().CopyTo<float>(pixels);
            string name = Unique(n == 1 ? stem : $"{stem}_{i}", names);
            items.Add(new InputItem(name, file, null, pixels, c, h, w, i));
        }
    }

    private static string Unique(string stem, HashSet<string> names)
    {
        string name = stem;
        for (int k = 2; !names.Add(name); k++)
            name = $"{stem}-{k}";
        return name;
    }
}
