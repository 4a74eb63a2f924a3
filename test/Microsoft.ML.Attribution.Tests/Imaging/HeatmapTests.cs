using Microsoft.ML.Attribution.Imaging;
using TorchSharp;
using Microsoft.ML.Attribution.Tensors;
using static TorchSharp.torch;

namespace Microsoft.ML.Attribution.Tests.Imaging;

/// <summary>Colormaps at their endpoints, the diverging map, clamping, and the overlay's alpha blend.</summary>
[TestClass]
public sealed class HeatmapTests : TorchTest
{
    private static Tensor Row(params float[] values) => tensor(values, new long[] { 1, values.Length });

    private static byte[] Colors(Tensor map, Colormap colormap)
    {
        using Tensor rgb = Heatmap.Render(map, colormap);
        CollectionAssert.AreEqual(new long[] { map.shape[0], map.shape[1], 3 }, rgb.shape);
        Assert.AreEqual(ScalarType.Byte, rgb.dtype);
        return rgb.ToArray<byte>();
    }

    [TestMethod]
    public void Jet_goes_from_dark_blue_to_dark_red()
    {
        using Tensor map = Row(0, 1);
        byte[] rgb = Colors(map, Colormap.Jet);
        CollectionAssert.AreEqual(new byte[] { 0, 0 }, rgb[0..2], "0: no red, no green");
        Assert.IsTrue(rgb[2] is >= 120 and <= 140, $"0: dark blue, got B = {rgb[2]}");
        Assert.IsTrue(rgb[3] is >= 120 and <= 140, $"1: dark red, got R = {rgb[3]}");
        CollectionAssert.AreEqual(new byte[] { 0, 0 }, rgb[4..6], "1: no green, no blue");
    }

    [TestMethod]
    [DataRow(Colormap.Turbo, new[] { 48, 18, 59 }, new[] { 122, 4, 3 })]
    [DataRow(Colormap.Viridis, new[] { 68, 1, 84 }, new[] { 253, 231, 37 })]
    [DataRow(Colormap.Inferno, new[] { 0, 0, 4 }, new[] { 252, 255, 164 })]
    public void Sequential_maps_hit_their_published_endpoints(Colormap colormap, int[] atZero, int[] atOne)
    {
        // Endpoints as published with matplotlib's viridis/inferno and Google's turbo.
        using Tensor map = Row(0, 1);
        byte[] rgb = Colors(map, colormap);
        for (int c = 0; c < 3; c++)
        {
            Assert.IsLessThanOrEqualTo(3, Math.Abs(rgb[c] - atZero[c]), $"{colormap}(0) channel {c}: {rgb[c]} vs {atZero[c]}");
            Assert.IsLessThanOrEqualTo(3, Math.Abs(rgb[3 + c] - atOne[c]), $"{colormap}(1) channel {c}: {rgb[3 + c]} vs {atOne[c]}");
        }
    }

    [TestMethod]
    public void BlueWhiteRed_is_blue_white_red_and_linear_between()
    {
        using Tensor map = Row(-1, -0.6f, 0, 0.6f, 1);
        CollectionAssert.AreEqual(new byte[]
        {
            0, 0, 255,
            102, 102, 255,
            255, 255, 255,
            255, 102, 102,
            255, 0, 0,
        }, Colors(map, Colormap.BlueWhiteRed));
    }

    [TestMethod]
    public void Values_outside_the_range_are_clamped()
    {
        using Tensor inside = Row(0, 1);
        using Tensor outside = Row(-0.5f, 7);
        CollectionAssert.AreEqual(Colors(inside, Colormap.Viridis), Colors(outside, Colormap.Viridis));
        using Tensor signed = Row(-1, 1);
        using Tensor beyond = Row(-3, 2);
        CollectionAssert.AreEqual(Colors(signed, Colormap.BlueWhiteRed), Colors(beyond, Colormap.BlueWhiteRed));
    }

    [TestMethod]
    public void Float64_maps_render_like_float32()
    {
        using Tensor single = Row(0, 0.25f, 0.5f, 1);
        using Tensor twice = single.to(ScalarType.Float64);
        CollectionAssert.AreEqual(Colors(single, Colormap.Turbo), Colors(twice, Colormap.Turbo));
    }

    [TestMethod]
    public void Non_finite_or_misshapen_maps_are_rejected()
    {
        using Tensor withNan = Row(0, float.NaN);
        var e = Assert.ThrowsExactly<ArgumentException>(() => Heatmap.Render(withNan));
        StringAssert.Contains(e.Message, "NaN");
        using Tensor withInfinity = Row(float.PositiveInfinity, 0);
        Assert.ThrowsExactly<ArgumentException>(() => Heatmap.Render(withInfinity, Colormap.BlueWhiteRed));
        using Tensor channels = zeros(1, 4, 4);
        e = Assert.ThrowsExactly<ArgumentException>(() => Heatmap.Render(channels));
        StringAssert.Contains(e.Message, "[1,4,4] float32");
        using Tensor bytes = zeros([4, 4], ScalarType.Byte);
        Assert.ThrowsExactly<ArgumentException>(() => Heatmap.Render(bytes));
    }

    [TestMethod]
    public void Overlay_blends_with_alpha()
    {
        using Tensor image = full([2, 3, 3], 100, ScalarType.Byte);
        using Tensor map = full([2, 3], 1.0);
        byte[] red = Colors(map, Colormap.Jet)[0..3];
        using Tensor blended = Heatmap.Overlay(image, map, Colormap.Jet, alpha: 0.4);
        CollectionAssert.AreEqual(new long[] { 2, 3, 3 }, blended.shape);
        Assert.AreEqual(ScalarType.Byte, blended.dtype);
        byte[] expected = red.Select(c => (byte)Math.Round(0.6 * 100 + 0.4 * c, MidpointRounding.ToEven)).ToArray();
        byte[] pixels = blended.ToArray<byte>();
        for (int i = 0; i < 6; i++) CollectionAssert.AreEqual(expected, pixels[(3 * i)..(3 * i + 3)], $"pixel {i}");

        using Tensor none = Heatmap.Overlay(image, map, Colormap.Jet, alpha: 0);
        CollectionAssert.AreEqual(image.ToArray<byte>(), none.ToArray<byte>(), "alpha 0 leaves the image");
        using Tensor only = Heatmap.Overlay(image, map, Colormap.Jet, alpha: 1);
        using Tensor colored = Heatmap.Render(map, Colormap.Jet);
        CollectionAssert.AreEqual(colored.ToArray<byte>(), only.ToArray<byte>(), "alpha 1 is the colored map");
    }

    [TestMethod]
    public void Overlay_resizes_the_map_bilinearly_to_the_image()
    {
        using Tensor image = full([4, 4, 3], 0, ScalarType.Byte);
        using Tensor map = tensor(new float[] { 0, 1, 1, 0 }, new long[] { 2, 2 });
        using Tensor blended = Heatmap.Overlay(image, map, Colormap.Viridis, alpha: 1);
        CollectionAssert.AreEqual(new long[] { 4, 4, 3 }, blended.shape);
        // Bilinear 2x2 → 4x4 puts 0.25 at (0,1) and 0.375 at (1,1); nearest would repeat 0 there.
        using Tensor expectedMap = tensor(new float[]
        {
            0, 0.25f, 0.75f, 1,
            0.25f, 0.375f, 0.625f, 0.75f,
            0.75f, 0.625f, 0.375f, 0.25f,
            1, 0.75f, 0.25f, 0,
        }, new long[] { 4, 4 });
        CollectionAssert.AreEqual(Colors(expectedMap, Colormap.Viridis), blended.ToArray<byte>());
    }

    [TestMethod]
    public void Overlay_rejects_bad_images_and_alpha()
    {
        using Tensor gray = zeros([4, 4], ScalarType.Byte);
        using Tensor map = zeros(4, 4);
        var e = Assert.ThrowsExactly<ArgumentException>(() => Heatmap.Overlay(gray, map));
        StringAssert.Contains(e.Message, "[4,4] uint8");
        using Tensor image = zeros([4, 4, 3], ScalarType.Byte);
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => Heatmap.Overlay(image, map, alpha: 1.5));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => Heatmap.Overlay(image, map, alpha: double.NaN));
    }
}
