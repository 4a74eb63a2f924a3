using Microsoft.ML.Attribution.Datasets;

namespace Microsoft.ML.Attribution.Tests.Datasets;

[TestClass]
public sealed class CsvAnnotationReaderTests : DatasetTest
{
    [TestMethod]
    public void Groups_rows_per_image_with_optional_size_and_difficult_columns()
    {
        string csv = FixturePath("csv", "boxes.csv");
        AnnotatedDataset data = CsvAnnotationReader.Read(csv);
        CollectionAssert.AreEqual(new[] { "cat", "dog" }, data.ClassNames.ToArray(), "classes in order of first appearance");
        Assert.HasCount(4, data.Images);

        AnnotatedImage a = data.Images[0];
        Assert.AreEqual(Path.Combine(FixturePath("csv"), "images/a.jpg"), a.Path, "relative to the CSV's folder");
        Assert.AreEqual((64, 48), (a.Width, a.Height));
        CollectionAssert.AreEqual(new[]
        {
            new GroundTruthObject("cat", new BoundingBox(10, 20, 30, 40), false),
            new GroundTruthObject("dog", new BoundingBox(5, 5, 9, 9), true),
        }, a.Objects.ToArray());
        Assert.AreEqual(new BoundingBox(0, 0, 63.5, 47), data.Images[1].Objects.Single().Box);
        Assert.AreEqual("with, comma", data.Images[2].Name, "quoted field");
        Assert.IsEmpty(data.Images[3].Objects, "an image listed without objects");
    }

    [TestMethod]
    public void The_minimal_header_gives_images_of_unknown_size_and_a_given_class_list_is_kept()
    {
        AnnotatedDataset data = CsvAnnotationReader.Read(FixturePath("csv", "minimal.csv"), "/imgs", ["cat", "bird"]);
        CollectionAssert.AreEqual(new[] { "cat", "bird" }, data.ClassNames.ToArray());
        AnnotatedImage image = data.Images.Single();
        Assert.AreEqual(Path.Combine("/imgs", "img1.png"), image.Path);
        Assert.IsFalse(image.HasKnownSize);
        Assert.HasCount(2, image.Objects);
    }

    [TestMethod]
    public void Paths_alone_list_images_and_a_target_column_is_kept_per_image()
    {
        string list = WriteScratch("list.csv", "path,target\na.png,cat\nb.png,\n\"c, d.png\",3\n");
        AnnotatedDataset data = CsvAnnotationReader.Read(list, "/imgs");
        CollectionAssert.AreEqual(new[] { "/imgs/a.png", "/imgs/b.png", "/imgs/c, d.png" }, data.Images.Select(i => i.Path).ToArray());
        CollectionAssert.AreEqual(new[] { "cat", null, "3" }, data.Images.Select(i => i.Target).ToArray(), "as written; empty = none");
        Assert.IsTrue(data.Images.All(i => i.Objects.Count == 0 && !i.HasKnownSize));
        Assert.IsEmpty(data.ClassNames);

        string boxes = WriteScratch("boxes-target.csv", "path,class,x1,y1,x2,y2,target\na.png,cat,1,2,3,4,dog\na.png,dog,5,6,7,8,dog\nb.png,,,,,,\n");
        AnnotatedDataset withBoxes = CsvAnnotationReader.Read(boxes);
        Assert.AreEqual("dog", withBoxes.Images[0].Target);
        Assert.HasCount(2, withBoxes.Images[0].Objects);
        Assert.IsNull(withBoxes.Images[1].Target);
        Assert.IsEmpty(withBoxes.Images[1].Objects);
    }

    private InvalidDataException Malformed(string content, int line, string message)
    {
        string path = WriteScratch("boxes.csv", content);
        var e = Assert.ThrowsExactly<InvalidDataException>(() => CsvAnnotationReader.Read(path, classNames: content.Contains("zebra") ? ["cat"] : null));
        StringAssert.Contains(e.Message, $"{path}: line {line}: ");
        StringAssert.Contains(e.Message, message);
        return e;
    }

    [TestMethod]
    public void Malformed_files_name_the_file_and_the_line()
    {
        const string Header = "path,class,x1,y1,x2,y2\n";
        Malformed("", 1, "empty file");
        Malformed("path,label,x1,y1,x2,y2\n", 1, "unknown column 'label'");
        Malformed("path,class,x1,y1,x2\n", 1, "lacks y2 (boxes need all of class,x1,y1,x2,y2)");
        Malformed("target,class\n", 1, "lacks path");
        Malformed("path,target\na.jpg,1\na.jpg,2\n", 3, "has the target '2' here but '1' on an earlier line");
        Malformed("path,class,x1,y1,x2,y2,width\n", 1, "both width and height");
        Malformed(Header + "a.jpg,cat,1,2,3,4\na.jpg,cat,1,2,3\n", 3, "expected 6 fields");
        Malformed(Header + "a.jpg,cat,1,2,three,4\n", 2, "x2: expected a number, got 'three'");
        Malformed(Header + "\n\na.jpg,cat,5,2,3,4\n", 4, "x2 < x1");
        Malformed(Header + ",cat,1,2,3,4\n", 2, "empty path");
        Malformed(Header + "a.jpg,,1,2,3,4\n", 2, "empty class");
        Malformed(Header + "\"a.jpg,cat,1,2,3,4\n", 2, "malformed quoted field");
        Malformed(Header + "a.jpg,zebra,1,2,3,4\n", 2, "unknown class 'zebra'");
        Malformed("path,class,x1,y1,x2,y2,width,height\na.jpg,cat,1,2,3,4,10,10\na.jpg,cat,1,2,3,4,10,12\n", 3, "10×12 here but 10×10");
        Malformed("path,class,x1,y1,x2,y2,difficult\na.jpg,cat,1,2,3,4,2\n", 2, "difficult: expected 0 or 1");
    }
}
