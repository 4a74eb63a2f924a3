namespace Microsoft.ML.Attribution.Tests.Methods;

/// <summary>Reports synchronously, on the caller's thread (System.Progress&lt;T&gt; posts to a synchronization context).</summary>
internal sealed class ImmediateProgress(Action<double> report) : IProgress<double>
{
    public void Report(double value) => report(value);
}
