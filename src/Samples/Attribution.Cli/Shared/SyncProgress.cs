namespace Attribution.Cli.Shared;

/// <summary>
/// Reports on the calling thread. <see cref="Progress{T}"/> posts to the thread pool in a console app, so its callbacks arrive late and out of
/// order — useless for timing batches.
/// </summary>
internal sealed class SyncProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
