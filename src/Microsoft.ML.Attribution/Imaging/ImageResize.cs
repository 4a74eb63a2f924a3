using TorchSharp;
using Microsoft.ML.Attribution.Tensors;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Microsoft.ML.Attribution.Imaging;

/// <summary>
/// Resizes and crops images in HWC layout: uint8 or float32, [H,W] or [H,W,C] with 1 to 4 channels.
/// Results are new contiguous tensors of the same dtype and layout, never views of the input.
/// </summary>
public static class ImageResize
{
    /// <summary>Resizes to exactly <paramref name="height"/> × <paramref name="width"/> (the aspect ratio may change).</summary>
    public static Tensor Resize(Tensor image, int height, int width, ImageInterpolation interpolation = ImageInterpolation.Bilinear)
    {
        ImageArguments.RequireResizable(image, nameof(image), "ImageResize.Resize");
        ImageArguments.RequireSize(height, width, "ImageResize.Resize");
        if (!Enum.IsDefined(interpolation)) throw new ArgumentOutOfRangeException(nameof(interpolation), interpolation, "Unknown interpolation.");
        using DisposeScope scope = NewDisposeScope();
        bool bytes = image.dtype == ScalarType.Byte;
        Tensor hwc = image.Dimensions == 2 ? image.unsqueeze(2) : image;
        Tensor nchw = hwc.permute(2, 0, 1).unsqueeze(0).to(bytes ? ScalarType.Float32 : image.dtype);
        Tensor resized = interpolation switch
        {
            ImageInterpolation.Bilinear => F.interpolate(nchw, [height, width], mode: InterpolationMode.Bilinear, align_corners: false),
            ImageInterpolation.Nearest => nchw.index_select(2, NearestExact(image.shape[0], height)).index_select(3, NearestExact(image.shape[1], width)),
            _ => F.adaptive_avg_pool2d(nchw, [height, width]),
        };
        if (bytes)
            resized = resized.round().ClampedTo(0.0, 255.0).to(ScalarType.Byte);
        Tensor result = resized.squeeze(0).permute(1, 2, 0);
        if (image.Dimensions == 2)
            result = result.squeeze(2);
        return result.contiguous().MoveToOuterDisposeScope();
    }

    /// <summary>For each of <paramref name="size"/> outputs, the source index whose center is nearest: floor((i + ½)·in/out).</summary>
    private static Tensor NearestExact(long source, int size) =>
        tensor(Enumerable.Range(0, size).Select(i => Math.Min(source - 1, (long)Math.Floor((i + 0.5) * source / size))).ToArray());

    /// <summary>
    /// Resizes so the shorter side becomes <paramref name="shorterSide"/>, keeping the aspect ratio; the longer side is
    /// <c>floor(shorterSide · longer / shorter)</c>, as torchvision's <c>Resize(int)</c> computes it.
    /// </summary>
    public static Tensor ResizeShorterSide(Tensor image, int shorterSide, ImageInterpolation interpolation = ImageInterpolation.Bilinear)
    {
        ImageArguments.RequireResizable(image, nameof(image), "ImageResize.ResizeShorterSide");
        ArgumentOutOfRangeException.ThrowIfLessThan(shorterSide, 1);
        (int height, int width) = ShorterSideSize((int)image.shape[0], (int)image.shape[1], shorterSide);
        return Resize(image, height, width, interpolation);
    }

    /// <summary>The size <see cref="ResizeShorterSide"/> produces for an image of <paramref name="height"/> × <paramref name="width"/>.</summary>
    public static (int Height, int Width) ShorterSideSize(int height, int width, int shorterSide)
    {
        ImageArguments.RequireSize(height, width, "ImageResize.ShorterSideSize");
        ArgumentOutOfRangeException.ThrowIfLessThan(shorterSide, 1);
        int longer = (int)Math.Min(int.MaxValue, (long)shorterSide * Math.Max(height, width) / Math.Min(height, width));
        return height <= width ? (shorterSide, longer) : (longer, shorterSide);
    }

    /// <summary>
    /// Cuts the central <paramref name="height"/> × <paramref name="width"/> region (offsets rounded as torchvision's
    /// <c>CenterCrop</c> does). The crop must fit inside the image.
    /// </summary>
    public static Tensor CenterCrop(Tensor image, int height, int width)
    {
        ImageArguments.RequireResizable(image, nameof(image), "ImageResize.CenterCrop");
        ImageArguments.RequireSize(height, width, "ImageResize.CenterCrop");
        long imageHeight = image.shape[0], imageWidth = image.shape[1];
        if (height > imageHeight || width > imageWidth)
            throw new ArgumentException($"ImageResize.CenterCrop: the crop ({height}, {width}) is larger than the image {image.Describe()}.");
        long top = (long)Math.Round((imageHeight - height) / 2.0, MidpointRounding.ToEven);
        long left = (long)Math.Round((imageWidth - width) / 2.0, MidpointRounding.ToEven);
        using Tensor rows = image.narrow(0, top, height);
        using Tensor crop = rows.narrow(1, left, width);
        return crop.clone();  // a copy in row-major order, never a view of the caller's image
    }
}
