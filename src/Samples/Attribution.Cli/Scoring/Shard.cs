using System.Globalization;
using System.Text;
using Attribution.Cli.Shared;

namespace Attribution.Cli.Scoring;

/// <summary>
/// One of <see cref="Count"/> shards of a scoring run. An image belongs to shard FNV-1a-64(UTF-8 of its id) mod Count: the same on
/// every machine, run and .NET version (string.GetHashCode is randomized per process), so shards started anywhere split the images
/// the same way and never overlap.
/// </summary>
internal readonly record struct Shard(int Index, int Count)
{
    /// <summary>The environment variables a scheduler puts the shard index in: Kubernetes Indexed Jobs, then Slurm job arrays.</summary>
    public static readonly string[] IndexVariables = ["JOB_COMPLETION_INDEX", "SLURM_ARRAY_TASK_ID"];

    public static Shard Whole => new(0, 1);

    public bool Owns(string id) => (int)(Hash(id) % (ulong)Count) == Index;

    public static ulong Hash(string id)
    {
        ulong hash = 14695981039346656037;
        foreach (byte b in Encoding.UTF8.GetBytes(id))
        {
            hash ^= b;
            hash *= 1099511628211;
        }
        return hash;
    }

    /// <summary>"i/n" (0 ≤ i &lt; n), or "auto/n": i from <see cref="IndexVariables"/>.</summary>
    public static Shard Parse(string text, Func<string, string?> environment)
    {
        string[] parts = text.Split('/');
        if (parts.Length != 2 || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int count) || count < 1)
            throw new CliUsageException($"--shard '{text}': expected INDEX/COUNT (e.g. 3/10) or auto/COUNT, with COUNT at least 1.");
        string indexText = parts[0];
        string source = "--shard";
        if (indexText == "auto")
        {
            string? variable = IndexVariables.FirstOrDefault(v => !string.IsNullOrEmpty(environment(v)));
            indexText = variable is null
                ? throw new CliUsageException($"--shard auto/{count}: none of {string.Join(", ", IndexVariables)} is set; give the index (e.g. --shard 0/{count}).")
                : environment(variable)!;
            source = variable;
        }
        if (!int.TryParse(indexText, NumberStyles.None, CultureInfo.InvariantCulture, out int index) || index >= count)
            throw new CliUsageException($"{source} = '{indexText}': the shard index must be a whole number from 0 to {count - 1}.");
        return new Shard(index, count);
    }

    /// <summary>The file-name stem of this shard's outputs: shard-00003-of-00010.</summary>
    public string Stem => $"shard-{Index:D5}-of-{Count:D5}";

    public override string ToString() => $"{Index}/{Count}";
}
