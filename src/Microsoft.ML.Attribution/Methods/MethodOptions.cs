namespace Microsoft.ML.Attribution.Methods;

/// <summary>Options every method shares.</summary>
public record MethodOptions
{
    /// <summary>Upper bound for the memory of expanded work (IG steps, noise samples, masks, windows), in MB.</summary>
    public long MemoryBudgetMb { get; init; } = 2048;
}
