using Microsoft.ML.Attribution.Data;

namespace Microsoft.ML.Attribution.Transforms;

/// <summary>Image transforms on <see cref="TransformsCatalog"/>, with ML.NET ImageAnalytics' names, parameters and defaults.</summary>
public static class ImageEstimatorsCatalog
{
    /// <summary>
    /// Loads the images whose paths are in <paramref name="inputColumnName"/> (text; defaults to the output name) into an image column,
    /// and appends output + "Error" with the reason when a row's image cannot be loaded (see <see cref="ImageLoadingTransformer"/>).
    /// Relative paths start at <paramref name="imageFolder"/> (null: the current directory), which must exist if given.
    /// </summary>
    public static ImageLoadingEstimator LoadImages(this TransformsCatalog catalog, string outputColumnName, string? imageFolder, string? inputColumnName = null)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new ImageLoadingEstimator(outputColumnName, imageFolder, inputColumnName);
    }

    /// <summary>Resizes images to <paramref name="imageWidth"/> × <paramref name="imageHeight"/> (width first, as in ML.NET).</summary>
    public static ImageResizingEstimator ResizeImages(this TransformsCatalog catalog, string outputColumnName, int imageWidth, int imageHeight,
        string? inputColumnName = null, ResizingKind resizing = ResizingKind.IsoCrop, Anchor cropAnchor = Anchor.Center)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new ImageResizingEstimator(outputColumnName, imageWidth, imageHeight, inputColumnName, resizing, cropAnchor);
    }

    /// <summary>
    /// Extracts pixels of known-size images into a vector, planar [planes, H, W] by default. Float values are
    /// <c>((pixel − offsetImage) · scaleImage − mean[k]) / std[k]</c>; e.g. torchvision's ImageNet preprocessing is
    /// <c>scaleImage: 1/255f, mean: [0.485f, 0.456f, 0.406f], std: [0.229f, 0.224f, 0.225f]</c>.
    /// </summary>
    public static ImagePixelExtractingEstimator ExtractPixels(this TransformsCatalog catalog, string outputColumnName, string? inputColumnName = null,
        ColorBits colorsToExtract = ColorBits.Rgb, ColorsOrder orderOfExtraction = ColorsOrder.ARGB, bool interleavePixelColors = false,
        float offsetImage = 0f, float scaleImage = 1f, bool outputAsFloatArray = true, IReadOnlyList<float>? mean = null, IReadOnlyList<float>? std = null)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new ImagePixelExtractingEstimator(outputColumnName, inputColumnName, colorsToExtract, orderOfExtraction, interleavePixelColors,
            offsetImage, scaleImage, outputAsFloatArray, mean, std);
    }
}
