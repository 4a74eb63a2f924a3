using TorchSharp;
using Microsoft.ML.Attribution.Tensors;
using static TorchSharp.torch;

namespace Microsoft.ML.Attribution.Imaging;

/// <summary>
/// Converts decoded images (uint8 HWC) into model inputs (float32 CHW / NCHW) and back:
/// <c>x = (p / 255 − mean) / std</c> per channel for <see cref="PixelRange.ZeroToOne"/>, <c>x = (p − mean) / std</c>
/// for <see cref="PixelRange.ZeroTo255"/>; without mean/std only the range is applied.
/// </summary>
public static class ImageToTensor
{
    /// <summary>The ImageNet channel means in [0,1] units (RGB), used by torchvision's pretrained models.</summary>
    public static IReadOnlyList<float> ImageNetMean { get; } = Array.AsReadOnly(new[] { 0.485f, 0.456f, 0.406f });

    /// <summary>The ImageNet channel standard deviations in [0,1] units (RGB).</summary>
    public static IReadOnlyList<float> ImageNetStd { get; } = Array.AsReadOnly(new[] { 0.229f, 0.224f, 0.225f });

    /// <summary>uint8 [H,W,C] (or gray [H,W]) → float32 [C,H,W] (or [1,H,W]).</summary>
    public static Tensor Convert(Tensor image, PixelRange range = PixelRange.ZeroToOne, IReadOnlyList<float>? mean = null,
        IReadOnlyList<float>? std = null)
    {
        long channels = RequireImage(image, nameof(image), "ImageToTensor.Convert");
        RequireNormalization(mean, std, channels, range);
        using DisposeScope scope = NewDisposeScope();
        Tensor hwc = image.Dimensions == 2 ? image.unsqueeze(2) : image;
        return Normalize(hwc.permute(2, 0, 1), range, mean, std).MoveToOuterDisposeScope();
    }

    /// <summary>Images of one size, uint8 [H,W,C] (or [H,W]) each → float32 [N,C,H,W].</summary>
    public static Tensor Batch(IReadOnlyList<Tensor> images, PixelRange range = PixelRange.ZeroToOne, IReadOnlyList<float>? mean = null,
        IReadOnlyList<float>? std = null)
    {
        ArgumentNullException.ThrowIfNull(images);
        if (images.Count == 0) throw new ArgumentException("ImageToTensor.Batch needs at least one image.", nameof(images));
        long channels = RequireImage(images[0], nameof(images), "ImageToTensor.Batch");
        for (int i = 1; i < images.Count; i++)
        {
            RequireImage(images[i], nameof(images), "ImageToTensor.Batch");
            if (!images[i].shape.SequenceEqual(images[0].shape))
                throw new ArgumentException($"ImageToTensor.Batch needs images of one size: image 0 is {images[0].Describe()}, image {i} is {images[i].Describe()}. " +
                    "Resize them first (ImageResize).", nameof(images));
        }
        RequireNormalization(mean, std, channels, range);
        using DisposeScope scope = NewDisposeScope();
        Tensor nhwc = stack(images);
        if (nhwc.Dimensions == 3) nhwc = nhwc.unsqueeze(3);
        return Normalize(nhwc.permute(0, 3, 1, 2), range, mean, std).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The inverse of <see cref="Convert"/>: float [C,H,W] → uint8 [H,W,C] (gray [H,W] when C = 1), rounded and clamped
    /// to [0,255]. Pass the same range, mean and std that produced the tensor.
    /// </summary>
    public static Tensor ToImage(Tensor chw, PixelRange range = PixelRange.ZeroToOne, IReadOnlyList<float>? mean = null,
        IReadOnlyList<float>? std = null)
    {
        ArgumentNullException.ThrowIfNull(chw);
        if (chw.Dimensions != 3 || !IsFloat(chw.dtype) || chw.shape[0] < 1)
            throw new ArgumentException($"ImageToTensor.ToImage expects a float tensor [C,H,W], got {chw.Describe()}.", nameof(chw));
        RequireNormalization(mean, std, chw.shape[0], range);
        using DisposeScope scope = NewDisposeScope();
        Tensor hwc = Denormalize(chw, range, mean, std).permute(1, 2, 0).contiguous();
        return (chw.shape[0] == 1 ? hwc.squeeze(2) : hwc).MoveToOuterDisposeScope();
    }

    /// <summary>The inverse of <see cref="Batch"/>: float [N,C,H,W] → N uint8 images [H,W,C].</summary>
    public static Tensor[] ToImages(Tensor batch, PixelRange range = PixelRange.ZeroToOne, IReadOnlyList<float>? mean = null,
        IReadOnlyList<float>? std = null)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.Dimensions != 4 || !IsFloat(batch.dtype) || batch.shape[1] < 1)
            throw new ArgumentException($"ImageToTensor.ToImages expects a float tensor [N,C,H,W], got {batch.Describe()}.", nameof(batch));
        RequireNormalization(mean, std, batch.shape[1], range);
        var images = new Tensor[batch.shape[0]];
        for (int i = 0; i < images.Length; i++)
        {
            using Tensor chw = batch[i];
            images[i] = ToImage(chw, range, mean, std);
        }
        return images;
    }

    // Works on [C,H,W] and [N,C,H,W] alike: a [C,1,1] mean broadcasts over the trailing dimensions.
    private static Tensor Normalize(Tensor channelsFirst, PixelRange range, IReadOnlyList<float>? mean, IReadOnlyList<float>? std)
    {
        Tensor x = channelsFirst.to(ScalarType.Float32);
        if (range == PixelRange.ZeroToOne) x = x.DividedBy(255.0);
        if (mean is not null && std is not null) x = (x - PerChannel(mean)) / PerChannel(std);
        return x.contiguous();
    }

    private static Tensor Denormalize(Tensor chw, PixelRange range, IReadOnlyList<float>? mean, IReadOnlyList<float>? std)
    {
        Tensor x = chw.to(ScalarType.Float32);
        if (mean is not null && std is not null) x = x.mul(PerChannel(std)).Plus(PerChannel(mean));
        if (range == PixelRange.ZeroToOne) x = x.Times(255.0);
        return x.round().ClampedTo(0.0, 255.0).to(ScalarType.Byte);
    }

    private static Tensor PerChannel(IReadOnlyList<float> values) => tensor(values.ToArray(), new long[] { values.Count, 1, 1 });

    private static long RequireImage(Tensor image, string parameter, string operation)
    {
        ArgumentNullException.ThrowIfNull(image, parameter);
        long[] shape = image.shape;
        bool layout = shape.Length == 2 || (shape.Length == 3 && shape[2] >= 1);
        if (image.dtype != ScalarType.Byte || !layout || shape[0] < 1 || shape[1] < 1)
            throw new ArgumentException($"{operation} expects a uint8 image [H,W,C] or [H,W], got {image.Describe()}.", parameter);
        return shape.Length == 2 ? 1 : shape[2];
    }

    private static void RequireNormalization(IReadOnlyList<float>? mean, IReadOnlyList<float>? std, long channels, PixelRange range)
    {
        if (!Enum.IsDefined(range)) throw new ArgumentOutOfRangeException(nameof(range), range, "Unknown pixel range.");
        if (mean is null && std is null) return;
        if (mean is null || std is null) throw new ArgumentException("Give both mean and std, or neither.", mean is null ? nameof(mean) : nameof(std));
        if (mean.Count != channels || std.Count != channels)
            throw new ArgumentException($"mean has {mean.Count} and std has {std.Count} values, the image has {channels} channels.",
                mean.Count != channels ? nameof(mean) : nameof(std));
        if (std.Any(s => !(s > 0) || float.IsInfinity(s)))
            throw new ArgumentOutOfRangeException(nameof(std), $"Every std must be positive and finite, got [{string.Join(", ", std)}].");
        if (mean.Any(m => !float.IsFinite(m)))
            throw new ArgumentOutOfRangeException(nameof(mean), $"Every mean must be finite, got [{string.Join(", ", mean)}].");
    }

    private static bool IsFloat(ScalarType type) => type is ScalarType.Float32 or ScalarType.Float64;
}
