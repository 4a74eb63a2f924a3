namespace Microsoft.ML.Attribution.Tests.Robustness;

/// <summary>
/// One bad input for the CLI's <c>explain</c>, run in a child process: the arguments after <c>explain</c>, and what a clear answer must
/// mention (a file name, an option key, a value). <paramref name="MaySucceed"/> marks mutations that can leave a valid file (a flipped byte
/// inside the weights): then a normal result is as good as a clear error.
/// </summary>
public sealed record BadInputCase(string Name, string[] Arguments, string Mentions, bool MaySucceed = false)
{
    public override string ToString() => Name;
}
