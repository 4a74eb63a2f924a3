namespace Microsoft.ML.Attribution.Data;

/// <summary>In which uses of a pipeline a transformer takes part.</summary>
[Flags]
public enum TransformerScope
{
    None = 0,
    Training = 1 << 0,
    Testing = 1 << 1,
    Scoring = 1 << 2,
    TrainTest = Training | Testing,
    Everything = Training | Testing | Scoring,
}
