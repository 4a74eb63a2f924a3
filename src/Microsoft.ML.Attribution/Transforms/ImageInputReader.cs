using Microsoft.ML.Data;

namespace Microsoft.ML.Attribution.Transforms;

/// <summary>An ML.NET image input: RGB (or its luma for a one-channel model), stretched to the model's size unless that is turned off.</summary>
internal sealed class ImageInputReader(ValueGetter<MLImage> getter, string columnName, ModelInputShape shape, PixelNormalization normalization, bool resize)
    : ModelInputReader(columnName, shape, normalization)
{
    private MLImage _image = null!;

    protected override string? ReadRaw(float[] destination)
    {
        getter(ref _image);
        if (_image is null)
            return $"No image: column '{ColumnName}' has no image for this row (an empty path upstream).";
        if (!resize && (_image.Height != Shape.Height || _image.Width != Shape.Width))
            return $"Wrong input size: column '{ColumnName}' holds a {_image.Width}×{_image.Height} image; the model takes {Shape.Width}×{Shape.Height} (add ResizeImages, or set ResizeToModelInput).";
        byte[] rgb = MLImagePixels.ToRgb(_image, Shape.Height, Shape.Width);
        int plane = Shape.Height * Shape.Width;
        if (Shape.Channels == 1)
        {
            // ITU-R BT.601 luma, as most grayscale conversions.
            for (int p = 0; p < plane; p++)
                destination[p] = 0.299f * rgb[3 * p] + 0.587f * rgb[3 * p + 1] + 0.114f * rgb[3 * p + 2];
            return null;
        }
        for (int p = 0; p < plane; p++)
        {
            for (int c = 0; c < 3; c++)
                destination[c * plane + p] = rgb[3 * p + c];
        }
        return null;
    }
}
