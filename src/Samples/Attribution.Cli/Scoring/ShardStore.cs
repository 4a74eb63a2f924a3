using System.Text.Json;
using Parquet;
using Parquet.Serialization;

namespace Attribution.Cli.Scoring;

/// <summary>
/// A shard's results on disk: Parquet parts <c>{stem}-part-{n}.parquet</c>, each one row group, each written to a temporary name and
/// renamed into place, so a part either exists whole or not at all. A shard killed mid-way and started again reads its parts, skips
/// every (image, method) they hold and continues numbering after them: nothing is lost or written twice.
/// </summary>
internal sealed class ShardStore(string folder, Shard shard)
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public string Folder { get; } = folder;

    public Shard Shard { get; } = shard;

    public string ManifestPath => Path.Combine(Folder, $"{Shard.Stem}.manifest.json");

    /// <summary>This shard's committed parts, in order.</summary>
    public IReadOnlyList<string> Parts() => PartsOf(Folder, Shard.Stem);

    /// <summary>Every committed part of every shard in <paramref name="folder"/>.</summary>
    public static IReadOnlyList<string> AllParts(string folder) => PartsOf(folder, "shard-");

    private static List<string> PartsOf(string folder, string prefix) =>
        Directory.Exists(folder)
            ? Directory.GetFiles(folder, $"{prefix}*-part-*.parquet").Order(StringComparer.Ordinal).ToList()
            : [];

    /// <summary>The (image, method) pairs already committed by this shard.</summary>
    public HashSet<(string ImageId, string Method)> Done()
    {
        var done = new HashSet<(string, string)>();
        foreach (string part in Parts())
            foreach (ScoreRow row in Read(part))
                done.Add((row.ImageId, row.Method));
        return done;
    }

    /// <summary>Writes <paramref name="rows"/> as the next part (one row group), atomically.</summary>
    public string Commit(IReadOnlyList<ScoreRow> rows)
    {
        Directory.CreateDirectory(Folder);
        int next = Parts().Select(p => int.Parse(Path.GetFileNameWithoutExtension(p).Split("-part-")[1])).DefaultIfEmpty(-1).Max() + 1;
        string path = Path.Combine(Folder, $"{Shard.Stem}-part-{next:D6}.parquet");
        string temporary = path + ".tmp";
        using (FileStream stream = File.Create(temporary))
            ParquetSerializer.SerializeAsync(rows, stream, new ParquetOptions { RowGroupSize = Math.Max(rows.Count, 1) }).GetAwaiter().GetResult();
        File.Move(temporary, path);
        return path;
    }

    public void WriteManifest(ShardManifest manifest)
    {
        Directory.CreateDirectory(Folder);
        string temporary = ManifestPath + ".tmp";
        File.WriteAllText(temporary, JsonSerializer.Serialize(manifest, Indented));
        File.Move(temporary, ManifestPath, overwrite: true);
    }

    public static ShardManifest? ReadManifest(string path) =>
        File.Exists(path) ? JsonSerializer.Deserialize<ShardManifest>(File.ReadAllText(path)) : null;

    public static IList<ScoreRow> Read(string part)
    {
        using FileStream stream = File.OpenRead(part);
        return ParquetSerializer.DeserializeAsync<ScoreRow>(stream).GetAwaiter().GetResult().Data;
    }
}
