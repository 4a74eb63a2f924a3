namespace Microsoft.ML.Attribution.Methods;

/// <summary>Options of RSP (methods.md §2.2).</summary>
public sealed record RspOptions : MethodOptions
{
    /// <summary>
    /// The layer at whose output relevance starts; null = the last convolutional block (VGG16's features.29, the ReLU
    /// after conv5_3 before pool5; ResNet's last block output).
    /// </summary>
    public string? StartLayer { get; init; }

    public RspInitialization Initialization { get; init; } = RspInitialization.Release;

    /// <summary>K for the comparative initialization: the target and the other top-scoring classes, K in total.</summary>
    public int ComparativeClasses { get; init; } = 3;

    /// <summary>[RECONSTRUCTED] purging inside the inner convolution rule (off, as in the release where it is a no-op).</summary>
    public bool Purge { get; init; }
}
