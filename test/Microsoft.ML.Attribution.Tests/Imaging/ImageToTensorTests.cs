using Microsoft.ML.Attribution.Imaging;
using TorchSharp;
using Microsoft.ML.Attribution.Tensors;
using static TorchSharp.torch;

namespace Microsoft.ML.Attribution.Tests.Imaging;

/// <summary>HWC uint8 ↔ CHW float32, with ranges, per-channel mean/std and batches.</summary>
[TestClass]
public sealed class ImageToTensorTests : TorchTest
{
    // 1x2 RGB: pixel 0 = (0, 51, 255), pixel 1 = (102, 204, 153).
    private static Tensor TwoPixels() => tensor(new byte[] { 0, 51, 255, 102, 204, 153 }, new long[] { 1, 2, 3 });

    [TestMethod]
    public void Hwc_bytes_become_chw_floats_in_zero_to_one()
    {
        using Tensor image = TwoPixels();
        using Tensor chw = ImageToTensor.Convert(image);
        CollectionAssert.AreEqual(new long[] { 3, 1, 2 }, chw.shape);
        Assert.AreEqual(ScalarType.Float32, chw.dtype);
        Assert.IsTrue(chw.is_contiguous());
        using Tensor expected = tensor(new float[] { 0, 0.4f, 0.2f, 0.8f, 1, 0.6f }, new long[] { 3, 1, 2 });
        AssertClose(expected, chw, 1e-6, "p / 255, channel-first");
    }

    [TestMethod]
    public void ZeroTo255_keeps_the_byte_values()
    {
        using Tensor image = TwoPixels();
        using Tensor chw = ImageToTensor.Convert(image, PixelRange.ZeroTo255);
        CollectionAssert.AreEqual(new float[] { 0, 102, 51, 204, 255, 153 }, chw.ToArray<float>());
    }

    [TestMethod]
    public void Mean_and_std_normalize_each_channel()
    {
        using Tensor image = TwoPixels();
        float[] mean = [0.5f, 0.2f, 1f], std = [0.5f, 0.4f, 0.2f];
        using Tensor chw = ImageToTensor.Convert(image, PixelRange.ZeroToOne, mean, std);
        // R: (0 − .5)/.5, (.4 − .5)/.5   G: (.2 − .2)/.4, (.8 − .2)/.4   B: (1 − 1)/.2, (.6 − 1)/.2
        using Tensor expected = tensor(new float[] { -1, -0.2f, 0, 1.5f, 0, -2 }, new long[] { 3, 1, 2 });
        AssertClose(expected, chw, 1e-6, "(p/255 − mean) / std");
    }

    [TestMethod]
    public void ImageNet_normalization_round_trips_to_the_same_bytes()
    {
        using Tensor image = ImageIOTests.RandomImage(5, 4, seed: 7);
        using Tensor chw = ImageToTensor.Convert(image, mean: ImageToTensor.ImageNetMean, std: ImageToTensor.ImageNetStd);
        using Tensor back = ImageToTensor.ToImage(chw, mean: ImageToTensor.ImageNetMean, std: ImageToTensor.ImageNetStd);
        CollectionAssert.AreEqual(image.shape, back.shape);
        Assert.AreEqual(ScalarType.Byte, back.dtype);
        CollectionAssert.AreEqual(image.ToArray<byte>(), back.ToArray<byte>());
    }

    [TestMethod]
    public void ToImage_rounds_and_clamps()
    {
        using Tensor chw = tensor(new float[] { -0.5f, 0.4f / 255, 1.6f / 255, 2f }, new long[] { 1, 2, 2 });
        using Tensor gray = ImageToTensor.ToImage(chw);
        CollectionAssert.AreEqual(new long[] { 2, 2 }, gray.shape, "one channel comes back as a gray [H,W] image");
        CollectionAssert.AreEqual(new byte[] { 0, 0, 2, 255 }, gray.ToArray<byte>());
    }

    [TestMethod]
    public void Gray_images_become_one_channel()
    {
        using Tensor gray = tensor(new byte[] { 0, 255 }, new long[] { 1, 2 });
        using Tensor chw = ImageToTensor.Convert(gray, PixelRange.ZeroTo255, [10f], [5f]);
        CollectionAssert.AreEqual(new long[] { 1, 1, 2 }, chw.shape);
        CollectionAssert.AreEqual(new float[] { -2, 49 }, chw.ToArray<float>());
    }

    [TestMethod]
    public void Batch_stacks_images_and_ToImages_splits_them()
    {
        using Tensor a = ImageIOTests.RandomImage(3, 4, seed: 1);
        using Tensor b = ImageIOTests.RandomImage(3, 4, seed: 2);
        using Tensor batch = ImageToTensor.Batch([a, b], mean: ImageToTensor.ImageNetMean, std: ImageToTensor.ImageNetStd);
        CollectionAssert.AreEqual(new long[] { 2, 3, 3, 4 }, batch.shape);
        using Tensor single = ImageToTensor.Convert(b, mean: ImageToTensor.ImageNetMean, std: ImageToTensor.ImageNetStd);
        using Tensor second = batch[1];
        AssertClose(single, second, 0, "batch row 1 equals converting image 1 alone");

        Tensor[] images = ImageToTensor.ToImages(batch, mean: ImageToTensor.ImageNetMean, std: ImageToTensor.ImageNetStd);
        try
        {
            Assert.HasCount(2, images);
            CollectionAssert.AreEqual(a.ToArray<byte>(), images[0].ToArray<byte>());
            CollectionAssert.AreEqual(b.ToArray<byte>(), images[1].ToArray<byte>());
        }
        finally
        {
            foreach (Tensor image in images) image.Dispose();
        }
    }

    [TestMethod]
    public void Conversions_inside_a_scope_belong_to_that_scope()
    {
        using Tensor image = TwoPixels();
        long before = Tensor.TotalCount;
        using (DisposeScope scope = NewDisposeScope())
        {
            Tensor chw = ImageToTensor.Convert(image, mean: ImageToTensor.ImageNetMean, std: ImageToTensor.ImageNetStd);
            Assert.AreEqual(1, scope.DisposablesCount, "only the result is left; intermediates are already freed");
            Assert.IsFalse(chw.IsInvalid);
        }
        Assert.AreEqual(before, Tensor.TotalCount);
    }

    [TestMethod]
    public void Mismatched_inputs_are_rejected_with_their_shapes()
    {
        using Tensor small = zeros([3, 4, 3], ScalarType.Byte);
        using Tensor large = zeros([4, 4, 3], ScalarType.Byte);
        var e = Assert.ThrowsExactly<ArgumentException>(() => ImageToTensor.Batch([small, large]));
        StringAssert.Contains(e.Message, "[3,4,3] uint8");
        StringAssert.Contains(e.Message, "[4,4,3] uint8");
        Assert.ThrowsExactly<ArgumentException>(() => ImageToTensor.Convert(small, mean: [0.5f, 0.5f], std: [0.5f, 0.5f]));
        Assert.ThrowsExactly<ArgumentException>(() => ImageToTensor.Convert(small, mean: ImageToTensor.ImageNetMean));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => ImageToTensor.Convert(small, mean: [0f, 0f, 0f], std: [1f, 0f, 1f]));
        using Tensor floats = zeros(3, 4, 3);
        e = Assert.ThrowsExactly<ArgumentException>(() => ImageToTensor.Convert(floats));
        StringAssert.Contains(e.Message, "[3,4,3] float32");
        e = Assert.ThrowsExactly<ArgumentException>(() => ImageToTensor.ToImage(small));
        StringAssert.Contains(e.Message, "[3,4,3] uint8");
    }
}
