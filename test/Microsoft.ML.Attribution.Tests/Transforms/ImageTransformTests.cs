using Microsoft.ML.Attribution.Data;
using Microsoft.ML.Attribution.Imaging;
using Microsoft.ML.Attribution.Torch;
using Microsoft.ML.Attribution.Transforms;
using static Microsoft.ML.Attribution.Torch.torch;

namespace Microsoft.ML.Attribution.Tests.Transforms;

[TestClass]
public sealed class ImageTransformTests : TorchTest
{
    private readonly AttributionContext _context = new(seed: 1);

    [TestMethod]
    public void SchemasPropagateThroughLoadResizeExtract()
    {
        string folder = TransformFixtures.TempFolder("schema");
        var shapes = TransformFixtures.DrawShapes(folder, 2, size: 80);
        IDataView data = _context.Data.LoadFromEnumerable(shapes.Select(s => new PathRow { Path = s.Path }).ToArray());
        var pipeline = _context.Transforms.LoadImages("Image", null, "Path")
            .Append(_context.Transforms.ResizeImages("Small", 64, 48, "Image", ResizingKind.Fill))
            .Append(_context.Transforms.ExtractPixels("Pixels", "Small", scaleImage: 1 / 255f));

        SchemaShape shape = pipeline.GetOutputSchema(SchemaShape.Create(data.Schema));
        using var model = pipeline.Fit(data);
        DataViewSchema schema = model.Transform(data).Schema;

        Assert.AreEqual("Image", schema["Image"].Type.ToString());
        Assert.AreEqual("String", schema["ImageError"].Type.ToString());
        Assert.AreEqual("Image<48, 64>", schema["Small"].Type.ToString());
        Assert.AreEqual("Vector<Single, 3, 48, 64>", schema["Pixels"].Type.ToString());
        // The data-free propagation agrees with the fitted schema on names, kinds and item types.
        SchemaShape actual = SchemaShape.Create(schema);
        CollectionAssert.AreEqual(actual.Select(c => c.Name).ToArray(), shape.Select(c => c.Name).ToArray());
        foreach (SchemaShape.Column expected in shape)
        {
            actual.TryFindColumn(expected.Name, out SchemaShape.Column column);
            Assert.AreEqual(column.Kind, expected.Kind, expected.Name);
            Assert.AreEqual(column.ItemType is ImageDataViewType, expected.ItemType is ImageDataViewType, expected.Name);
            if (column.ItemType is not ImageDataViewType)
                Assert.AreEqual(column.ItemType, expected.ItemType, expected.Name);
        }
    }

    [TestMethod]
    public void ExtractPixelsNormalizesPerChannelLikeImageToTensor()
    {
        string folder = TransformFixtures.TempFolder("extract");
        string path = TransformFixtures.DrawShapes(folder, 1)[0].Path;
        float[] mean = [0.485f, 0.456f, 0.406f], std = [0.229f, 0.224f, 0.225f];
        IDataView data = _context.Data.LoadFromEnumerable(new[] { new PathRow { Path = path } });
        var pipeline = _context.Transforms.LoadImages("Image", null, "Path")
            .Append(_context.Transforms.ResizeImages("Image", 64, 64, resizing: ResizingKind.Fill))
            .Append(_context.Transforms.ExtractPixels("Pixels", "Image", scaleImage: 1 / 255f, mean: mean, std: std));

        using var model = pipeline.Fit(data);
        float[] pixels = TransformFixtures.Vectors(model.Transform(data), "Pixels")[0];

        using DisposeScope scope = NewDisposeScope();
        float[] expected = ImageToTensor.Convert(ImageIO.Load(path), PixelRange.ZeroToOne, mean, std).data<float>();
        Assert.IsLessThan(1e-5, TransformFixtures.MaxAbsDiff([expected], [pixels]));
    }

    [TestMethod]
    public void ExtractPixelsHonorsColorSelectionOrderAndInterleaving()
    {
        var image = MLImage.CreateFromPixels(2, 1, MLPixelFormat.Rgba32, [10, 20, 30, 40, 50, 60, 70, 80]);
        IDataView data = _context.Data.LoadFromEnumerable(new[] { new ImageRow { Image = image } });

        float[] Extract(ColorBits bits, ColorsOrder order, bool interleave)
        {
            var transformer = new ImagePixelExtractingTransformer("Pixels", "Image", bits, order, interleave);
            return TransformFixtures.Vectors(transformer.Transform(data), "Pixels")[0];
        }

        CollectionAssert.AreEqual(new float[] { 10, 50, 20, 60, 30, 70 }, Extract(ColorBits.Rgb, ColorsOrder.ARGB, false), "planar R, G, B");
        CollectionAssert.AreEqual(new float[] { 10, 20, 30, 50, 60, 70 }, Extract(ColorBits.Rgb, ColorsOrder.ARGB, true), "interleaved");
        CollectionAssert.AreEqual(new float[] { 30, 70, 20, 60, 10, 50 }, Extract(ColorBits.Rgb, ColorsOrder.ABGR, false), "B, G, R");
        CollectionAssert.AreEqual(new float[] { 40, 80, 20, 60 }, Extract(ColorBits.Alpha | ColorBits.Green, ColorsOrder.ARGB, false), "A, G");
    }

    [TestMethod]
    public void ResizeFillMatchesImageResizeAndIsoModesKeepTheTargetSize()
    {
        string folder = TransformFixtures.TempFolder("resize");
        string path = TransformFixtures.DrawShapes(folder, 1, size: 90)[0].Path;
        using MLImage source = MLImage.CreateFromFile(path);

        using MLImage filled = new ImageResizingTransformer("Out", 40, 30, "In", ResizingKind.Fill).Resize(source);
        using (DisposeScope scope = NewDisposeScope())
        {
            byte[] expected = ImageResize.Resize(ImageIO.Load(path), 30, 40).data<byte>();
            byte[] actual = filled.ToRgbArray();
            CollectionAssert.AreEqual(expected, actual);
        }
        foreach (ResizingKind kind in new[] { ResizingKind.IsoCrop, ResizingKind.IsoPad })
        {
            foreach (Anchor anchor in Enum.GetValues<Anchor>())
            {
                using MLImage resized = new ImageResizingTransformer("Out", 40, 30, "In", kind, anchor).Resize(source);
                Assert.AreEqual(40, resized.Width);
                Assert.AreEqual(30, resized.Height);
            }
        }
        // IsoPad on a square image into a 40×30 box leaves black columns at the sides; the Left anchor puts them all on the right.
        using MLImage padded = new ImageResizingTransformer("Out", 40, 30, "In", ResizingKind.IsoPad, Anchor.Left).Resize(source);
        ReadOnlySpan<byte> p = padded.Pixels;
        Assert.AreEqual(0, p[(0 * 40 + 39) * 4], "right edge is padding");
        Assert.AreEqual(255, p[(0 * 40 + 39) * 4 + 3], "padding is opaque");
    }

    [TestMethod]
    public void InvalidInputSchemasAreRejectedAtFitWithClearMessages()
    {
        IDataView numbers = _context.Data.LoadFromEnumerable(new[] { new PixelRow { Pixels = new float[3 * 64 * 64] } });
        IDataView paths = _context.Data.LoadFromEnumerable(new[] { new PathRow { Path = "x.png" } });

        var missing = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => _context.Transforms.LoadImages("Image", null, "File").Fit(paths));
        StringAssert.StartsWith(missing.Message, "Could not find input column 'File'");
        var wrongType = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => _context.Transforms.LoadImages("Image", null, "Label").Fit(numbers));
        StringAssert.StartsWith(wrongType.Message, "Schema mismatch for input column 'Label': expected String, got Int32");
        var shapeError = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() =>
            _context.Transforms.ResizeImages("Small", 8, 8, "Pixels").GetOutputSchema(SchemaShape.Create(numbers.Schema)));
        StringAssert.StartsWith(shapeError.Message, "Schema mismatch for input column 'Pixels': expected Image, got Vector<Single>");

        var unsized = _context.Transforms.LoadImages("Image", null, "Path").Append(_context.Transforms.ExtractPixels("Pixels", "Image"));
        var unknownSize = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => unsized.Fit(paths));
        StringAssert.StartsWith(unknownSize.Message, "Schema mismatch for input column 'Image': expected known-size image, got unknown-size image");
        Assert.ThrowsExactly<ArgumentException>(() => _context.Transforms.LoadImages("Image", "/no/such/folder", "Path"));
        Assert.ThrowsExactly<ArgumentException>(() => _context.Transforms.ExtractPixels("P", "I", mean: [0.5f, 0.5f], std: [1f, 1f]));
    }

    [TestMethod]
    public void BadFilesGiveMissingImagesAndTheDocumentedErrorsWithoutStoppingTheRows()
    {
        string folder = TransformFixtures.TempFolder("bad");
        string good = TransformFixtures.DrawShapes(folder, 1)[0].Path;
        string images = Path.Combine(AppContext.BaseDirectory, "fixtures", "images");
        string[] rows = [good, Path.Combine(folder, "missing.png"), Path.Combine(images, "corrupt.png"), Path.Combine(images, "not_an_image.png"), "", good];
        IDataView data = _context.Data.LoadFromEnumerable(rows.Select(p => new PathRow { Path = p }).ToArray());
        var pipeline = _context.Transforms.LoadImages("Image", null, "Path")
            .Append(_context.Transforms.ResizeImages("Image", 64, 64, resizing: ResizingKind.Fill))
            .Append(_context.Transforms.ExtractPixels("Pixels", "Image", scaleImage: 1 / 255f));

        using var model = pipeline.Fit(data);
        IDataView output = model.Transform(data);
        List<string> errors = TransformFixtures.Texts(output, "ImageError");
        List<float[]> pixels = TransformFixtures.Vectors(output, "Pixels");
        List<MLImage> loaded = TransformFixtures.Column<MLImage>(output, "Image");

        Assert.AreEqual("", errors[0]);
        StringAssert.StartsWith(errors[1], "Missing file: ");
        StringAssert.StartsWith(errors[2], "Corrupt image: ");
        StringAssert.StartsWith(errors[3], "Corrupt image: ");
        StringAssert.StartsWith(errors[4], "No image: ");
        Assert.AreEqual("", errors[5]);
        for (int i = 1; i <= 4; i++)
        {
            Assert.IsNull(loaded[i], $"row {i}: a bad row's image is missing");
            Assert.IsTrue(pixels[i].All(float.IsNaN), $"row {i}: a missing image extracts as NaN");
            Assert.HasCount(3 * 64 * 64, pixels[i]);
        }
        Assert.IsTrue(pixels[0].All(float.IsFinite));
        CollectionAssert.AreEqual(pixels[0], pixels[5]);
    }
}

public sealed class ImageRow
{
    [ImageType(1, 2)]
    public MLImage? Image { get; set; }
}
