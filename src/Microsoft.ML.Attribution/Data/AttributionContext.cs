namespace Microsoft.ML.Attribution.Data;

/// <summary>
/// The entry point, like ML.NET's <c>MLContext</c>: <see cref="Data"/> loads and exports data, <see cref="Transforms"/> is the catalog
/// that features extend with extension methods, and <see cref="Model"/> saves and loads fitted pipelines. A seed makes every random choice made through the context reproducible.
/// </summary>
public sealed class AttributionContext
{
    private readonly object _randomLock = new();
    private readonly Random _seeds;

    public AttributionContext(int? seed = null)
    {
        Seed = seed;
        _seeds = seed is int s ? new Random(s) : new Random();
        Data = new DataOperationsCatalog(this);
        Transforms = new TransformsCatalog(this);
        Model = new ModelOperationsCatalog(this);
    }

    /// <summary>The seed given at construction; null means non-deterministic.</summary>
    public int? Seed { get; }

    public DataOperationsCatalog Data { get; }

    public TransformsCatalog Transforms { get; }

    public ModelOperationsCatalog Model { get; }

    /// <summary>
    /// A new random generator for one component. With a seed, the n-th call always returns the same sequence, so components built in the
    /// same order behave the same from run to run. Thread-safe.
    /// </summary>
    public Random CreateRandom()
    {
        lock (_randomLock)
            return new Random(_seeds.Next());
    }
}
