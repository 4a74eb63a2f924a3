namespace Microsoft.ML.Attribution.Imaging;

/// <summary>The value range uint8 pixels are mapped to before mean/std normalization.</summary>
public enum PixelRange
{
    /// <summary>p / 255, as torchvision's ToTensor (mean and std are then given in [0,1] units).</summary>
    ZeroToOne = 0,

    /// <summary>p unchanged, as Caffe-style models expect (mean and std in [0,255] units).</summary>
    ZeroTo255 = 1,
}
