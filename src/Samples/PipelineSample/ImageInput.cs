namespace PipelineSample;

/// <summary>The sample's input row: an image file, the class to explain, and that class's boxes scaled to the model's input size.</summary>
public sealed class ImageInput
{
    public string ImagePath { get; set; } = "";

    public int Label { get; set; }

    /// <summary>(xMin, yMin, xMax, yMax) quadruples in model-input pixels.</summary>
    public float[] Boxes { get; set; } = [];
}
