using Microsoft.ML.Data;

namespace PipelineSample;

/// <summary>What the sample reads back from the transformed data view (CreateEnumerable maps columns to members by name).</summary>
public sealed class ExplainedImage
{
    public string ImagePath { get; set; } = "";

    public int Label { get; set; }

    /// <summary>ONNX Runtime's logits (ApplyOnnxModel), for a second opinion on the class explained.</summary>
    public float[] OnnxLogits { get; set; } = [];

    [ColumnName("MapTarget")]
    public int ExplainedClass { get; set; }

    [ColumnName("MapLogit")]
    public float Logit { get; set; }

    [ColumnName("Pointing")]
    public bool Hit { get; set; }

    [ColumnName("PointingMaxPoint")]
    public float[] MaxPoint { get; set; } = [];

    [ColumnName("MapError")]
    public string ExplainError { get; set; } = "";

    [ColumnName("PointingError")]
    public string PointingError { get; set; } = "";
}
