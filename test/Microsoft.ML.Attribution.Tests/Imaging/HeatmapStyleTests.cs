using Microsoft.ML.Attribution.Imaging;
using TorchSharp;
using Microsoft.ML.Attribution.Tensors;
using static TorchSharp.torch;

namespace Microsoft.ML.Attribution.Tests.Imaging;

/// <summary>The default heatmap style: sign-aware colormaps, percentile limits, opacity by value.</summary>
[TestClass]
public sealed class HeatmapStyleTests : TorchTest
{
    [TestMethod]
    public void A_signed_map_is_drawn_blue_white_red_with_symmetric_percentile_limits()
    {
        // |values| are 1 … 100 (half of them negative): numpy.percentile(…, 99) = 99.01 by linear interpolation between ranks.
        float[] map = Enumerable.Range(1, 100).Select(v => v % 2 == 0 ? (float)v : -v).ToArray();
        ScaledMap scaled = new HeatmapStyle().Scale(map);
        Assert.AreEqual(Colormap.BlueWhiteRed, scaled.Colormap);
        Assert.IsTrue(scaled.Signed);
        Assert.AreEqual(99.01, scaled.High, 1e-4);
        Assert.AreEqual(-99.01, scaled.Low, 1e-4);
        Assert.AreEqual(50 / 99.01, scaled.Values[49], 1e-6, "50 / limit");
        Assert.AreEqual(-99 / 99.01, scaled.Values[98], 1e-6, "-99 is inside the limit … ");
        Assert.AreEqual(1f, scaled.Values[99], "… and 100 beyond it, clipped to 1");
    }

    [TestMethod]
    public void An_unsigned_map_starts_at_zero_in_a_sequential_colormap()
    {
        float[] map = [0, 0, 1, 2, 4];
        ScaledMap scaled = new HeatmapStyle { ClipPercentile = 100 }.Scale(map);
        Assert.AreEqual(Colormap.Jet, scaled.Colormap);
        Assert.IsFalse(scaled.Signed);
        Assert.AreEqual(0f, scaled.Low);
        Assert.AreEqual(4f, scaled.High);
        CollectionAssert.AreEqual(new[] { 0f, 0f, 0.25f, 0.5f, 1f }, scaled.Values);
        ScaledMap forced = new HeatmapStyle { Sign = HeatmapSign.Signed, ClipPercentile = 100 }.Scale(map);
        Assert.AreEqual(Colormap.BlueWhiteRed, forced.Colormap, "Sign = Signed draws a non-negative map about zero too");
        CollectionAssert.AreEqual(new[] { 0f, 0f, 0.25f, 0.5f, 1f }, forced.Values);
        ScaledMap minMax = new HeatmapStyle { Scaling = HeatmapScaling.MinMax }.Scale([-2f, 0f, 2f]);
        Assert.IsFalse(minMax.Signed, "min-max results are magnitudes");
        CollectionAssert.AreEqual(new[] { 0f, 0.5f, 1f }, minMax.Values);
    }

    [TestMethod]
    public void Opacity_by_value_leaves_the_image_where_the_map_is_near_zero_and_reaches_alpha_at_the_limit()
    {
        using DisposeScope scope = NewDisposeScope();
        Tensor image = full([1, 4, 3], (byte)100, ScalarType.Byte);
        var style = new HeatmapStyle { Alpha = 0.6, TransparentBelow = 0.05 };
        ScaledMap scaled = style.Scale([0f, 0.04f, -0.5f, 1f]);   // limit 0.985 at the 99th percentile: scaled 0, 0.041, −0.51, 1
        byte[] pixels = Heatmap.Overlay(image, scaled, 1, 4, style).ToArray<byte>();
        CollectionAssert.AreEqual(new byte[] { 100, 100, 100, 100, 100, 100 }, pixels[..6], "below 5 % of the limit: the image itself");
        // At the limit: weight alpha on pure red (255, 0, 0).
        CollectionAssert.AreEqual(new byte[] { (byte)Math.Round(0.4 * 100 + 0.6 * 255), 40, 40 }, pixels[9..12]);
        // Half the limit, negative: weight alpha·(0.51 − 0.05)/(0.95) on the blue side.
        Assert.IsTrue(pixels[8] > pixels[6] + 20 && pixels[8] > 100, $"a negative value tints towards blue, got {pixels[6]},{pixels[7]},{pixels[8]}");
        byte[] constant = Heatmap.Overlay(image, scaled, 1, 4, style with { Opacity = HeatmapOpacity.Constant }).ToArray<byte>();
        Assert.AreNotEqual(100, constant[0], "a constant opacity tints even where the map is zero (white at zero)");
    }

    [TestMethod]
    public void Settings_out_of_range_are_named()
    {
        var e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new HeatmapStyle { ClipPercentile = 20 }.Scale([1f]));
        Assert.AreEqual("ClipPercentile", e.ParamName);
        e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new HeatmapStyle { TransparentBelow = 1 }.Validate());
        Assert.AreEqual("TransparentBelow", e.ParamName);
        e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new HeatmapStyle { Alpha = double.NaN }.Validate());
        Assert.AreEqual("Alpha", e.ParamName);
        var nan = Assert.ThrowsExactly<ArgumentException>(() => new HeatmapStyle().Scale([1f, float.NaN]));
        StringAssert.Contains(nan.Message, "NaN");
    }
}
