namespace Attribution.Cli.Shared;

/// <summary>
/// One input's attribution: the unreduced map [Channels, Height, Width] (row-major), the class explained and its logit, the seconds its
/// batch took divided by the batch's rows, and an error (empty when the row was explained). <see cref="Pixels"/> is the model input when asked for.
/// </summary>
internal sealed record ExplainedRow(int Index, float[] Map, int Channels, int Height, int Width, int Target, float Logit, double Seconds, string Error, float[]? Pixels)
{
    public bool Ok => Error.Length == 0;
}
