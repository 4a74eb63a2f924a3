using Microsoft.ML.Attribution.Imaging;
using Microsoft.ML.Attribution.Maps;
using TorchSharp;
using Microsoft.ML.Attribution.Tensors;
using static TorchSharp.torch;

namespace Microsoft.ML.Attribution.Tests.Imaging;

/// <summary>Resizing against hand-computed values and against skimage's bilinear resize.</summary>
[TestClass]
public sealed class ImageResizeTests : TorchTest
{
    private static Tensor Gray(byte[] values, long height, long width) => tensor(values, new[] { height, width });

    [TestMethod]
    public void Nearest_upscaling_repeats_each_pixel()
    {
        using Tensor image = Gray([10, 20, 30, 40], 2, 2);
        using Tensor resized = ImageResize.Resize(image, 4, 4, ImageInterpolation.Nearest);
        CollectionAssert.AreEqual(new long[] { 4, 4 }, resized.shape);
        CollectionAssert.AreEqual(new byte[]
        {
            10, 10, 20, 20,
            10, 10, 20, 20,
            30, 30, 40, 40,
            30, 30, 40, 40,
        }, resized.ToArray<byte>());
    }

    [TestMethod]
    public void Nearest_downscaling_samples_at_pixel_centers()
    {
        // 3 → 2: destination centers 0.5 and 1.5 map to source 0.75 and 2.25, i.e. source pixels 0 and 2
        // (PIL's nearest; a corner-aligned nearest would pick 0 and 1).
        using Tensor image = Gray([1, 2, 3, 4, 5, 6, 7, 8, 9], 3, 3);
        using Tensor resized = ImageResize.Resize(image, 2, 2, ImageInterpolation.Nearest);
        CollectionAssert.AreEqual(new byte[] { 1, 3, 7, 9 }, resized.ToArray<byte>());
    }

    [TestMethod]
    public void Bilinear_upscaling_2x2_to_4x4_matches_hand_computed_values()
    {
        // Destination pixel x samples source (x + 0.5) / 2 − 0.5 = −0.25, 0.25, 0.75, 1.25 (clamped at the edges),
        // so the weights of the two source pixels are (1, 0), (3/4, 1/4), (1/4, 3/4), (0, 1) along each axis.
        using Tensor image = Gray([0, 160, 240, 80], 2, 2);
        using Tensor resized = ImageResize.Resize(image, 4, 4, ImageInterpolation.Bilinear);
        CollectionAssert.AreEqual(new byte[]
        {
            0, 40, 120, 160,
            60, 80, 120, 140,
            180, 160, 120, 100,
            240, 200, 120, 80,
        }, resized.ToArray<byte>());
    }

    [TestMethod]
    [DataRow(9, 11)]
    [DataRow(3, 4)]
    public void Bilinear_matches_skimage_within_rounding(int height, int width)
    {
        using Tensor image = ImageIO.Load(FixturePath("images", "resize_source_5x7.png"));
        using Tensor expected = Npy.Load(FixturePath("images", $"resize_bilinear_{height}x{width}.npy"));
        using Tensor resized = ImageResize.Resize(image, height, width);
        CollectionAssert.AreEqual(new long[] { height, width, 3 }, resized.shape);
        AssertClose(expected, resized, 1, $"bilinear 5x7 → {height}x{width} against skimage (order 1, edge mode)");
    }

    [TestMethod]
    public void Bilinear_resizes_float_maps_without_rounding()
    {
        using Tensor map = tensor(new float[] { 0, 1, 1, 0 }, new long[] { 2, 2 });
        using Tensor resized = ImageResize.Resize(map, 4, 4);
        using Tensor expected = tensor(new float[]
        {
            0, 0.25f, 0.75f, 1,
            0.25f, 0.375f, 0.625f, 0.75f,
            0.75f, 0.625f, 0.375f, 0.25f,
            1, 0.75f, 0.25f, 0,
        }, new long[] { 4, 4 });
        Assert.AreEqual(ScalarType.Float32, resized.dtype);
        AssertClose(expected, resized, 1e-6, "float bilinear 2x2 → 4x4");
    }

    [TestMethod]
    public void Area_downscaling_averages_blocks()
    {
        using Tensor image = Gray(
        [
            10, 20, 100, 100,
            30, 40, 100, 100,
            0, 0, 255, 255,
            0, 4, 255, 255,
        ], 4, 4);
        using Tensor resized = ImageResize.Resize(image, 2, 2, ImageInterpolation.Area);
        CollectionAssert.AreEqual(new byte[] { 25, 100, 1, 255 }, resized.ToArray<byte>());
    }

    [TestMethod]
    public void Rgb_images_keep_three_channels_per_pixel()
    {
        using Tensor image = tensor(new byte[] { 255, 0, 0, 0, 0, 255 }, new long[] { 1, 2, 3 });
        using Tensor resized = ImageResize.Resize(image, 2, 4, ImageInterpolation.Nearest);
        CollectionAssert.AreEqual(new long[] { 2, 4, 3 }, resized.shape);
        CollectionAssert.AreEqual(new byte[] { 255, 0, 0 }, ImageIOTests.Pixel(resized, 1, 1));
        CollectionAssert.AreEqual(new byte[] { 0, 0, 255 }, ImageIOTests.Pixel(resized, 1, 2));
    }

    [TestMethod]
    [DataRow(4, 6, 2, 2, 3)]
    [DataRow(6, 4, 2, 3, 2)]
    [DataRow(3, 5, 2, 2, 3)]   // 2 · 5 / 3 = 3.33 → 3, as torchvision
    [DataRow(5, 5, 3, 3, 3)]
    public void Shorter_side_keeps_the_aspect_ratio(int height, int width, int shorter, int expectedHeight, int expectedWidth)
    {
        Assert.AreEqual((expectedHeight, expectedWidth), ImageResize.ShorterSideSize(height, width, shorter));
        using Tensor image = zeros([height, width, 3], ScalarType.Byte);
        using Tensor resized = ImageResize.ResizeShorterSide(image, shorter);
        CollectionAssert.AreEqual(new long[] { expectedHeight, expectedWidth, 3 }, resized.shape);
    }

    [TestMethod]
    public void Center_crop_cuts_the_middle_with_torchvision_rounding()
    {
        using Tensor values = arange(30, ScalarType.Byte);
        using Tensor image = values.reshape(5, 6);
        // top = round((5 − 2) / 2) = round(1.5) = 2 and left = round((6 − 3) / 2) = 2 (round half to even, as Python).
        using Tensor crop = ImageResize.CenterCrop(image, 2, 3);
        CollectionAssert.AreEqual(new byte[] { 14, 15, 16, 20, 21, 22 }, crop.ToArray<byte>());
        Assert.IsTrue(crop.is_contiguous());
        Assert.ThrowsExactly<ArgumentException>(() => ImageResize.CenterCrop(image, 6, 3));
    }

    [TestMethod]
    public void Bad_sizes_and_tensors_are_rejected()
    {
        using Tensor image = zeros([4, 4, 3], ScalarType.Byte);
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => ImageResize.Resize(image, 0, 4));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => ImageResize.ResizeShorterSide(image, 0));
        using Tensor int64 = zeros([4, 4], ScalarType.Int64);
        var e = Assert.ThrowsExactly<ArgumentException>(() => ImageResize.Resize(int64, 2, 2));
        StringAssert.Contains(e.Message, "[4,4] int64");
        using Tensor fiveChannels = zeros([4, 4, 5], ScalarType.Byte);
        e = Assert.ThrowsExactly<ArgumentException>(() => ImageResize.Resize(fiveChannels, 2, 2));
        StringAssert.Contains(e.Message, "[4,4,5] uint8");
    }
}
