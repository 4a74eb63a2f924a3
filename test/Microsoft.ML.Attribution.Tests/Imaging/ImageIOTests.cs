using Microsoft.ML.Attribution.Imaging;
using Microsoft.ML.Attribution.Maps;
using TorchSharp;
using Microsoft.ML.Attribution.Tensors;
using static TorchSharp.torch;

namespace Microsoft.ML.Attribution.Tests.Imaging;

/// <summary>Decoding and encoding through OpenCV, against pixels written by PIL (tools/make_image_fixtures.py).</summary>
[TestClass]
public sealed class ImageIOTests : TorchTest
{
    private string _temporary = null!;

    [TestInitialize]
    public void CreateTemporaryDirectory() => _temporary = Directory.CreateTempSubdirectory("imaging-tests-").FullName;

    [TestCleanup]
    public void DeleteTemporaryDirectory() => Directory.Delete(_temporary, recursive: true);

    private static string Image(string name) => FixturePath("images", name);

    [TestMethod]
    public void Png_decodes_to_the_exact_RGB_pixels()
    {
        using Tensor image = ImageIO.Load(Image("rgb_3x4.png"));
        using Tensor expected = Npy.Load(Image("rgb_3x4.npy"));
        CollectionAssert.AreEqual(new long[] { 3, 4, 3 }, image.shape);
        Assert.AreEqual(ScalarType.Byte, image.dtype);
        CollectionAssert.AreEqual(expected.ToArray<byte>(), image.ToArray<byte>());
        CollectionAssert.AreEqual(new byte[] { 85, 127, 221 }, Pixel(image, 1, 1), "R = 85x, G = 127y: the channel order is RGB, not BGR");
        CollectionAssert.AreEqual(new byte[] { 255, 255, 255 }, Pixel(image, 2, 3));
    }

    [TestMethod]
    public void Bmp_decodes_to_the_same_pixels_as_png()
    {
        using Tensor bmp = ImageIO.Load(Image("rgb_3x4.bmp"));
        using Tensor expected = Npy.Load(Image("rgb_3x4.npy"));
        CollectionAssert.AreEqual(expected.ToArray<byte>(), bmp.ToArray<byte>());
    }

    [TestMethod]
    public void Gray_png_becomes_three_equal_channels()
    {
        using Tensor image = ImageIO.Load(Image("gray_3x4.png"));
        using Tensor expected = Npy.Load(Image("gray_3x4.npy"));
        byte[] gray = expected.ToArray<byte>();
        CollectionAssert.AreEqual(new long[] { 3, 4, 3 }, image.shape);
        byte[] pixels = image.ToArray<byte>();
        for (int i = 0; i < gray.Length; i++)
            CollectionAssert.AreEqual(new[] { gray[i], gray[i], gray[i] }, pixels[(3 * i)..(3 * i + 3)], $"pixel {i}");
    }

    [TestMethod]
    public void Rgba_png_drops_alpha_without_premultiplying()
    {
        using Tensor image = ImageIO.Load(Image("rgba_3x4.png"));
        using Tensor expected = Npy.Load(Image("rgb_3x4.npy"));
        CollectionAssert.AreEqual(new long[] { 3, 4, 3 }, image.shape);
        CollectionAssert.AreEqual(expected.ToArray<byte>(), image.ToArray<byte>(), "column 0 has alpha 0 and must keep its colors");
    }

    [TestMethod]
    public void Sixteen_bit_png_keeps_the_high_byte_of_each_sample()
    {
        // SkiaSharp (and so ML.NET's LoadImages) reduces 16-bit samples to their high byte: v >> 8 for v = 0, 257, 65535, 1000, 32768, 12345.
        using Tensor image = ImageIO.Load(Image("gray16_2x3.png"));
        CollectionAssert.AreEqual(new long[] { 2, 3, 3 }, image.shape);
        byte[] expected = [0, 1, 255, 3, 128, 48];
        byte[] pixels = image.ToArray<byte>();
        for (int i = 0; i < expected.Length; i++)
            CollectionAssert.AreEqual(new[] { expected[i], expected[i], expected[i] }, pixels[(3 * i)..(3 * i + 3)], $"pixel {i}");
    }

    [TestMethod]
    public void Palette_png_expands_to_its_colors()
    {
        using Tensor image = ImageIO.Load(Image("palette_2x2.png"));
        CollectionAssert.AreEqual(new byte[] { 255, 0, 0, 0, 255, 0, 0, 0, 255, 10, 20, 30 }, image.ToArray<byte>());
    }

    [TestMethod]
    public void Jpeg_decodes_close_to_the_source_and_like_libjpeg()
    {
        using Tensor jpeg = ImageIO.Load(Image("gradient_16x16.jpg"));
        using Tensor source = ImageIO.Load(Image("gradient_16x16.png"));
        using Tensor libjpeg = Npy.Load(Image("gradient_16x16_jpg_pil.npy"));
        AssertClose(source, jpeg, 16, "JPEG (quality 95) against the lossless source");
        AssertClose(libjpeg, jpeg, 1, "OpenCV's decode against PIL's decode of the same file");
    }

    [TestMethod]
    public void Exif_orientation_is_applied()
    {
        // Stored 16 wide x 8 high, red left and blue right, tagged "rotate 90° clockwise": upright, red is on top.
        using Tensor image = ImageIO.Load(Image("exif_rotated_8x16.jpg"));
        CollectionAssert.AreEqual(new long[] { 16, 8, 3 }, image.shape);
        AssertColor(new byte[] { 255, 0, 0 }, Pixel(image, 2, 4), "top");
        AssertColor(new byte[] { 0, 0, 255 }, Pixel(image, 13, 4), "bottom");
    }

    [TestMethod]
    public void Decoding_bytes_equals_loading_the_file()
    {
        using Tensor fromFile = ImageIO.Load(Image("rgb_3x4.png"));
        using Tensor fromBytes = ImageIO.Decode(File.ReadAllBytes(Image("rgb_3x4.png")));
        CollectionAssert.AreEqual(fromFile.ToArray<byte>(), fromBytes.ToArray<byte>());
        CollectionAssert.AreEqual(fromFile.shape, fromBytes.shape);
    }

    [TestMethod]
    public void Png_round_trip_in_memory_is_lossless()
    {
        using Tensor image = RandomImage(7, 5, seed: 1);
        byte[] png = ImageIO.Encode(image, "png");
        CollectionAssert.AreEqual(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, png[..4]);
        using Tensor decoded = ImageIO.Decode(png);
        CollectionAssert.AreEqual(image.shape, decoded.shape);
        CollectionAssert.AreEqual(image.ToArray<byte>(), decoded.ToArray<byte>());
    }

    [TestMethod]
    public void Jpeg_round_trip_in_memory_is_close_and_quality_matters()
    {
        using Tensor image = ImageIO.Load(Image("gradient_16x16.png"));
        byte[] high = ImageIO.Encode(image, ".jpg", jpegQuality: 95);
        byte[] low = ImageIO.Encode(image, "JPEG", jpegQuality: 10);
        CollectionAssert.AreEqual(new byte[] { 0xFF, 0xD8 }, high[..2], "JPEG start-of-image marker");
        Assert.IsLessThan(high.Length, low.Length, "quality 10 must compress more than quality 95");
        using Tensor decoded = ImageIO.Decode(high);
        AssertClose(image, decoded, 16, "JPEG quality 95 round trip");
    }

    [TestMethod]
    public void Save_writes_png_and_jpeg_files_by_extension()
    {
        using Tensor image = ImageIO.Load(Image("gradient_16x16.png"));
        string png = Path.Combine(_temporary, "out.png");
        string jpg = Path.Combine(_temporary, "out.jpeg");
        ImageIO.Save(png, image);
        ImageIO.Save(jpg, image, jpegQuality: 90);
        using Tensor fromPng = ImageIO.Load(png);
        using Tensor fromJpg = ImageIO.Load(jpg);
        CollectionAssert.AreEqual(image.ToArray<byte>(), fromPng.ToArray<byte>());
        AssertClose(image, fromJpg, 20, "JPEG quality 90 file round trip");
        CollectionAssert.AreEqual(new byte[] { 0xFF, 0xD8 }, File.ReadAllBytes(jpg)[..2]);
    }

    [TestMethod]
    public void Gray_tensor_encodes_as_gray_and_decodes_to_three_channels()
    {
        using Tensor gray = tensor(new byte[] { 0, 50, 100, 150, 200, 255 }, new long[] { 2, 3 });
        using Tensor decoded = ImageIO.Decode(ImageIO.Encode(gray, "png"));
        CollectionAssert.AreEqual(new long[] { 2, 3, 3 }, decoded.shape);
        CollectionAssert.AreEqual(new byte[] { 150, 150, 150 }, Pixel(decoded, 1, 0));
    }

    [TestMethod]
    public void Non_contiguous_images_encode_in_logical_order()
    {
        using Tensor image = RandomImage(6, 4, seed: 2);
        using Tensor transposed = image.transpose(0, 1);  // a strided view
        using Tensor decoded = ImageIO.Decode(ImageIO.Encode(transposed, "png"));
        using Tensor expected = transposed.contiguous();
        CollectionAssert.AreEqual(expected.ToArray<byte>(), decoded.ToArray<byte>());
    }

    [TestMethod]
    public void Missing_file_is_FileNotFound_naming_the_path()
    {
        string missing = Path.Combine(_temporary, "nothing-here.png");
        var e = Assert.ThrowsExactly<FileNotFoundException>(() => ImageIO.Load(missing));
        StringAssert.Contains(e.Message, missing);
        Assert.AreEqual(missing, e.FileName);
    }

    [TestMethod]
    [DataRow("not_an_image.png", "not in an image format")]
    [DataRow("corrupt.png", "corrupt or truncated")]
    [DataRow("truncated.png", "corrupt or truncated")]
    public void Unreadable_file_is_InvalidData_naming_the_file(string name, string reason)
    {
        string path = Image(name);
        var e = Assert.ThrowsExactly<InvalidDataException>(() => ImageIO.Load(path));
        StringAssert.Contains(e.Message, path);
        StringAssert.Contains(e.Message, reason);
    }

    [TestMethod]
    public void Corrupt_or_empty_bytes_are_InvalidData()
    {
        byte[] text = "definitely not an image"u8.ToArray();
        var e = Assert.ThrowsExactly<InvalidDataException>(() => ImageIO.Decode(text));
        StringAssert.Contains(e.Message, "23-byte buffer is not a decodable image");
        Assert.ThrowsExactly<InvalidDataException>(() => ImageIO.Decode(ReadOnlySpan<byte>.Empty));
        byte[] truncated = File.ReadAllBytes(Image("truncated.png"));
        Assert.ThrowsExactly<InvalidDataException>(() => ImageIO.Decode(truncated));
    }

    [TestMethod]
    public void Wrong_shape_or_dtype_is_an_ArgumentException_naming_the_shape()
    {
        using Tensor chw = zeros(3, 4, 5);
        var e = Assert.ThrowsExactly<ArgumentException>(() => ImageIO.Encode(chw, "png"));
        StringAssert.Contains(e.Message, "[3,4,5] float32");
        using Tensor fourChannels = zeros([4, 5, 4], ScalarType.Byte);
        e = Assert.ThrowsExactly<ArgumentException>(() => ImageIO.Save(Path.Combine(_temporary, "x.png"), fourChannels));
        StringAssert.Contains(e.Message, "[4,5,4] uint8");
        Assert.IsFalse(File.Exists(Path.Combine(_temporary, "x.png")));
    }

    [TestMethod]
    public void Unknown_format_quality_or_directory_are_rejected()
    {
        using Tensor image = RandomImage(2, 2, seed: 3);
        var format = Assert.ThrowsExactly<ArgumentException>(() => ImageIO.Encode(image, "xyz"));
        StringAssert.Contains(format.Message, "'xyz'");
        Assert.ThrowsExactly<ArgumentException>(() => ImageIO.Save(Path.Combine(_temporary, "no-extension"), image));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => ImageIO.Encode(image, "jpg", jpegQuality: 101));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => ImageIO.Encode(image, "jpg", jpegQuality: -1));
        string inMissingDirectory = Path.Combine(_temporary, "missing", "out.png");
        Assert.ThrowsExactly<DirectoryNotFoundException>(() => ImageIO.Save(inMissingDirectory, image));
    }

    private static void AssertColor(byte[] expected, byte[] actual, string where)
    {
        for (int c = 0; c < 3; c++)
            Assert.IsLessThanOrEqualTo(8, Math.Abs(expected[c] - actual[c]), $"{where}: expected ~({string.Join(",", expected)}), got ({string.Join(",", actual)})");
    }

    internal static byte[] Pixel(Tensor image, int y, int x)
    {
        int width = (int)image.shape[1], channels = (int)image.shape[2];
        int start = (y * width + x) * channels;
        return image.ToArray<byte>()[start..(start + channels)];
    }

    internal static Tensor RandomImage(int height, int width, int seed)
    {
        using Generator generator = RandomGenerators.FromSeed(seed);
        return randint(0, 256, [height, width, 3], ScalarType.Byte, generator: generator);
    }
}
