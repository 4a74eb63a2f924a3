using Microsoft.ML.Attribution.Datasets;

namespace Microsoft.ML.Attribution.Tests.Datasets;

[TestClass]
public sealed class PascalVocReaderTests : DatasetTest
{
    [TestMethod]
    public void The_twenty_VOC_classes_are_in_the_standard_order()
    {
        Assert.HasCount(20, PascalVocReader.VocClassNames);
        Assert.AreEqual("aeroplane", PascalVocReader.VocClassNames[0]);
        Assert.AreEqual("cat", PascalVocReader.VocClassNames[7]);
        Assert.AreEqual("dog", PascalVocReader.VocClassNames[11]);
        Assert.AreEqual("person", PascalVocReader.VocClassNames[14]);
        Assert.AreEqual("tvmonitor", PascalVocReader.VocClassNames[19]);
    }

    [TestMethod]
    public void Reads_a_split_with_sizes_boxes_in_0_based_pixels_and_difficult_flags()
    {
        string root = FixturePath("voc");
        AnnotatedDataset data = PascalVocReader.Read(root, "test");
        CollectionAssert.AreEqual(PascalVocReader.VocClassNames.ToArray(), data.ClassNames.ToArray());
        CollectionAssert.AreEqual(new[] { "000001", "000002", "000003" }, data.Images.Select(i => i.Name).ToArray(), "blank lines skipped");

        AnnotatedImage first = data.Images[0];
        Assert.AreEqual(Path.Combine(root, "JPEGImages", "000001.jpg"), first.Path);
        Assert.AreEqual((100, 80), (first.Width, first.Height));
        Assert.HasCount(2, first.Objects);
        Assert.AreEqual(new GroundTruthObject("dog", new BoundingBox(60, 35, 70, 45), false), first.Objects[0]);
        Assert.AreEqual(new GroundTruthObject("cat", new BoundingBox(47, 37, 54, 43), true), first.Objects[1]);

        AnnotatedImage third = data.Images[2];
        CollectionAssert.AreEqual(new[] { "cat", "dog", "person" }, third.ClassesPresent.ToArray());
        Assert.IsFalse(third.Objects[1].Difficult, "a missing <difficult> means not difficult");
        Assert.HasCount(2, third.ObjectsOf("person").ToList());

        Assert.HasCount(1, PascalVocReader.Read(root, "train").Images);
    }

    [TestMethod]
    public void A_custom_class_list_serves_VOC_layout_benchmarks()
    {
        string xml = WriteScratch("Annotations/s1.xml",
            "<annotation><size><width>8</width><height>8</height></size><object><name>triangle</name>" +
            "<bndbox><xmin>1</xmin><ymin>2</ymin><xmax>3</xmax><ymax>4</ymax></bndbox></object></annotation>");
        WriteScratch("ImageSets/Main/val.txt", "s1\n");
        AnnotatedDataset data = PascalVocReader.Read(ScratchFolder, "val", ["circle", "triangle"]);
        Assert.AreEqual(1, data.ClassIndex("triangle"));
        Assert.AreEqual(new BoundingBox(0, 1, 2, 3), data.Images[0].Objects[0].Box);
        var e = Assert.ThrowsExactly<InvalidDataException>(() => PascalVocReader.ReadAnnotation(xml, "s1.jpg"));
        StringAssert.Contains(e.Message, "unknown class 'triangle'");
    }

    [TestMethod]
    public void The_image_path_follows_a_plain_filename_element_else_the_id_with_jpg()
    {
        const string Box = "<size><width>8</width><height>8</height></size><object><name>circle</name>" +
            "<bndbox><xmin>1</xmin><ymin>2</ymin><xmax>3</xmax><ymax>4</ymax></bndbox></object>";
        WriteScratch("Annotations/png.xml", $"<annotation><filename>png.png</filename>{Box}</annotation>");
        WriteScratch("Annotations/none.xml", $"<annotation>{Box}</annotation>");
        WriteScratch("Annotations/nested.xml", $"<annotation><filename>../elsewhere/x.png</filename>{Box}</annotation>");
        WriteScratch("ImageSets/Main/test.txt", "png\nnone\nnested\n");
        AnnotatedDataset data = PascalVocReader.Read(ScratchFolder, "test", ["circle"]);
        string images = Path.Combine(ScratchFolder, "JPEGImages");
        CollectionAssert.AreEqual(
            new[] { Path.Combine(images, "png.png"), Path.Combine(images, "none.jpg"), Path.Combine(images, "nested.jpg") },
            data.Images.Select(i => i.Path).ToArray());
        Assert.AreEqual("png", data.Images[0].Name);
    }

    private InvalidDataException Malformed(string content)
    {
        string path = WriteScratch("bad.xml", content);
        var e = Assert.ThrowsExactly<InvalidDataException>(() => PascalVocReader.ReadAnnotation(path, "bad.jpg"));
        StringAssert.Contains(e.Message, path, "the message names the file");
        return e;
    }

    [TestMethod]
    public void Malformed_annotations_name_the_file_the_line_and_the_element()
    {
        const string Size = "<size><width>10</width><height>10</height></size>";
        var missingCoordinate = Malformed(
            "<annotation>\n" + Size + "\n<object><name>dog</name>\n<bndbox><xmin>1</xmin><ymin>1</ymin><xmax>5</xmax></bndbox>\n</object>\n</annotation>");
        StringAssert.Contains(missingCoordinate.Message, "line 4");
        StringAssert.Contains(missingCoordinate.Message, "<annotation/object/bndbox>");
        StringAssert.Contains(missingCoordinate.Message, "missing <ymax>");

        var notANumber = Malformed(
            "<annotation>" + Size + "<object><name>dog</name><bndbox><xmin>1</xmin><ymin>1</ymin><xmax>5</xmax><ymax>1</ymax></bndbox></object>\n" +
            "<object><name>cat</name>\n<bndbox><xmin>x1</xmin><ymin>1</ymin><xmax>5</xmax><ymax>5</ymax></bndbox></object></annotation>");
        StringAssert.Contains(notANumber.Message, "line 3");
        StringAssert.Contains(notANumber.Message, "<annotation/object[2]/bndbox/xmin>");
        StringAssert.Contains(notANumber.Message, "'x1'");

        StringAssert.Contains(Malformed("<annotation><object><name>dog</name></object></annotation>").Message, "missing <size>");
        StringAssert.Contains(Malformed("<annotation><size><width>0</width><height>5</height></size></annotation>").Message, "positive integer");
        StringAssert.Contains(Malformed("<annotation>" + Size + "<object><name>unicorn</name></object></annotation>").Message, "unknown class 'unicorn'");
        StringAssert.Contains(Malformed("<annotation>" + Size + "<object><name>dog</name><difficult>yes</difficult></object></annotation>").Message, "expected 0 or 1");
        StringAssert.Contains(Malformed("<annotation>" + Size +
            "<object><name>dog</name><bndbox><xmin>5</xmin><ymin>1</ymin><xmax>2</xmax><ymax>5</ymax></bndbox></object></annotation>").Message, "maximum below");
        StringAssert.Contains(Malformed("<annotations/>").Message, "root element must be <annotation>");
        var broken = Malformed("<annotation>\n<size>\n</annotation>");
        StringAssert.Contains(broken.Message, "line 3");
        StringAssert.Contains(broken.Message, "not well-formed");
    }

    [TestMethod]
    public void Split_problems_name_the_split_file_and_line()
    {
        WriteScratch("ImageSets/Main/test.txt", "a\nb 1\n");
        var e = Assert.ThrowsExactly<InvalidDataException>(() => PascalVocReader.Read(ScratchFolder, "test"));
        StringAssert.Contains(e.Message, "test.txt: line 2");
        WriteScratch("ImageSets/Main/val.txt", "\nmissing\n");
        var missing = Assert.ThrowsExactly<FileNotFoundException>(() => PascalVocReader.Read(ScratchFolder, "val"));
        StringAssert.Contains(missing.Message, "val.txt: line 2");
        Assert.ThrowsExactly<FileNotFoundException>(() => PascalVocReader.Read(ScratchFolder, "nope"));
        Assert.ThrowsExactly<DirectoryNotFoundException>(() => PascalVocReader.Read(Path.Combine(ScratchFolder, "absent"), "test"));
    }
}
