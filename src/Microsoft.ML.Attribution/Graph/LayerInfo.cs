namespace Microsoft.ML.Attribution.Graph;

/// <summary>One row of <see cref="Network.Summary"/>.</summary>
public sealed record LayerInfo(int Index, string Name, string Kind, IReadOnlyList<string> Inputs, long[] OutputShape, long Parameters)
{
    public override string ToString() =>
        $"{Index,4} {Kind,-18} {Name,-40} [{string.Join(",", OutputShape)}] {(Parameters > 0 ? Parameters.ToString("N0") : "")}";
}
