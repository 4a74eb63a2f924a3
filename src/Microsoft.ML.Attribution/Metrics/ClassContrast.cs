namespace Microsoft.ML.Attribution.Metrics;

/// <summary>Which class the top-1 class's map is contrasted with in the class-sensitivity check (methods.md §4.3).</summary>
public enum ClassContrast
{
    /// <summary>The least likely class: the most stringent contrast.</summary>
    MinLogit,

    /// <summary>A class other than the top-1 one, drawn uniformly with a seed.</summary>
    RandomOther,
}
