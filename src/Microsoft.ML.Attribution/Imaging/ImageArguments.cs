using TorchSharp;
using Microsoft.ML.Attribution.Tensors;
using static TorchSharp.torch;

namespace Microsoft.ML.Attribution.Imaging;

/// <summary>
/// Shape and dtype checks shared by the imaging API, so a wrong tensor is an <see cref="ArgumentException"/>
/// naming its shape before it reaches native code.
/// </summary>
internal static class ImageArguments
{
    /// <summary>uint8 [H,W,3] (RGB), [H,W,1] or [H,W] (gray): what the encoders take.</summary>
    internal static void RequireEncodable(Tensor image, string parameter, string operation)
    {
        ArgumentNullException.ThrowIfNull(image, parameter);
        long[] shape = image.shape;
        bool layout = shape.Length == 2 || (shape.Length == 3 && (shape[2] == 3 || shape[2] == 1));
        if (image.dtype != ScalarType.Byte || !layout || !HasPixels(shape))
            throw new ArgumentException($"{operation} expects a uint8 image [H,W,3] (RGB) or [H,W] (gray), got {image.Describe()}. " +
                "A CHW float tensor becomes one with ImageToTensor.ToImage.", parameter);
    }

    /// <summary>uint8 [H,W,3] RGB only.</summary>
    internal static void RequireRgb(Tensor image, string parameter, string operation)
    {
        ArgumentNullException.ThrowIfNull(image, parameter);
        long[] shape = image.shape;
        if (image.dtype != ScalarType.Byte || shape.Length != 3 || shape[2] != 3 || !HasPixels(shape))
            throw new ArgumentException($"{operation} expects a uint8 RGB image [H,W,3], got {image.Describe()}.", parameter);
    }

    /// <summary>uint8 or float32, [H,W] or [H,W,C] with 1 to 4 channels: what OpenCV resizes.</summary>
    internal static void RequireResizable(Tensor image, string parameter, string operation)
    {
        ArgumentNullException.ThrowIfNull(image, parameter);
        long[] shape = image.shape;
        bool layout = shape.Length == 2 || (shape.Length == 3 && shape[2] is >= 1 and <= 4);
        if ((image.dtype != ScalarType.Byte && image.dtype != ScalarType.Float32) || !layout || !HasPixels(shape))
            throw new ArgumentException($"{operation} expects a uint8 or float32 image [H,W] or [H,W,C] (C = 1..4), got {image.Describe()}.", parameter);
    }

    /// <summary>A floating-point attribution map [H,W].</summary>
    internal static void RequireMap(Tensor map, string parameter, string operation)
    {
        ArgumentNullException.ThrowIfNull(map, parameter);
        long[] shape = map.shape;
        if ((map.dtype != ScalarType.Float32 && map.dtype != ScalarType.Float64) || shape.Length != 2 || !HasPixels(shape))
            throw new ArgumentException($"{operation} expects a float32 or float64 map [H,W], got {map.Describe()}. " +
                "Reduce the channel dimension and normalize the map first.", parameter);
    }

    internal static void RequireSize(int height, int width, string operation)
    {
        if (height < 1 || width < 1)
            throw new ArgumentOutOfRangeException(height < 1 ? nameof(height) : nameof(width), $"{operation}: the size ({height}, {width}) must be positive.");
    }

    private static bool HasPixels(long[] shape) => shape[0] > 0 && shape[1] > 0 && shape[0] <= int.MaxValue && shape[1] <= int.MaxValue;
}
