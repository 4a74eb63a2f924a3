namespace Microsoft.ML.Attribution.Transforms;

/// <summary>How <see cref="ImageResizingEstimator"/> fits an image into the target size (ML.NET's names and values).</summary>
public enum ResizingKind : byte
{
    /// <summary>Keep the aspect ratio, shrink to fit inside, and pad the rest with black at the anchor's opposite sides.</summary>
    IsoPad = 0,

    /// <summary>Keep the aspect ratio, scale to cover the target, and crop what sticks out (where is chosen by the anchor).</summary>
    IsoCrop = 1,

    /// <summary>Stretch to exactly the target size (the aspect ratio may change). Boxes scale by width and height ratios.</summary>
    Fill = 2,
}
