using System.Text.Json.Nodes;

namespace Attribution.Cli.Bench;

/// <summary>Something `bench` times on our side, with the request that makes the torch reference do the same work.</summary>
internal interface IBenchWorkload : IDisposable
{
    string Name { get; }

    /// <summary>Images per call (to report seconds per image).</summary>
    int Images { get; }

    void Run();

    /// <summary>
    /// The model's plain forward on the same input, timed beside <see cref="Run"/> in every round so a method's cost as a
    /// multiple of the forward shares its conditions; null when the workload is the forward itself or has no model.
    /// </summary>
    Action? Forward => null;

    /// <summary>The torch_bench_server request for the equivalent work, or null when torch has no equivalent.</summary>
    JsonObject? TorchRequest { get; }
}
