using Microsoft.ML.Attribution.Datasets;

namespace Microsoft.ML.Attribution.Tests.Datasets;

[TestClass]
public sealed class CocoInstancesReaderTests : DatasetTest
{
    [TestMethod]
    public void Reads_images_categories_by_id_and_boxes_per_category()
    {
        AnnotatedDataset data = CocoInstancesReader.Read(FixturePath("coco", "instances_tiny.json"), "/data/val2014");
        CollectionAssert.AreEqual(new[] { "person", "car", "dog" }, data.ClassNames.ToArray(), "ordered by category id 1, 3, 18");
        CollectionAssert.AreEqual(new[] { "000000000042", "000000000007", "000000000009" }, data.Images.Select(i => i.Name).ToArray());

        AnnotatedImage first = data.Images[0];
        Assert.AreEqual(Path.Combine("/data/val2014", "000000000042.jpg"), first.Path);
        Assert.AreEqual((640, 480), (first.Width, first.Height));
        CollectionAssert.AreEqual(new[] { "dog", "person" }, first.ClassesPresent.ToArray());
        BoundingBox[] dogs = first.ObjectsOf("dog").Select(o => o.Box).ToArray();
        Assert.AreEqual(new BoundingBox(10.5, 20, 109.5, 69.25), dogs[0], "[x, y, w, h] → inclusive [x, x+w−1]");
        Assert.AreEqual(new BoundingBox(300, 300, 300, 300), dogs[1], "a 1×1 box is one pixel");
        Assert.IsTrue(first.Objects.All(o => !o.Difficult));

        Assert.AreEqual(new BoundingBox(0, 0, 319, 239), data.Images[1].Objects.Single().Box, "crowd annotations are kept");
        Assert.IsEmpty(data.Images[2].Objects, "images without annotations stay, with no pairs to evaluate");
    }

    private InvalidDataException Malformed(string json)
    {
        string path = WriteScratch("instances.json", json);
        var e = Assert.ThrowsExactly<InvalidDataException>(() => CocoInstancesReader.Read(path, "img"));
        StringAssert.Contains(e.Message, path, "the message names the file");
        return e;
    }

    [TestMethod]
    public void Malformed_files_name_the_file_and_the_element()
    {
        const string Categories = "\"categories\": [{\"id\": 1, \"name\": \"person\"}]";
        const string Images = "\"images\": [{\"id\": 1, \"file_name\": \"a.jpg\", \"width\": 10, \"height\": 10}]";
        StringAssert.Contains(Malformed("{" + Categories + "}").Message, "$: missing \"images\"");
        StringAssert.Contains(Malformed("{" + Categories + ", \"images\": [{\"id\": 1, \"file_name\": \"a.jpg\", \"width\": \"10\", \"height\": 10}]}").Message,
            "images[0].width: expected an integer ≥ 1, got \"10\"");
        StringAssert.Contains(Malformed("{" + Categories + ", " + Images +
            ", \"annotations\": [{\"image_id\": 1, \"category_id\": 1, \"bbox\": [0, 0, 5, 5]}, {\"image_id\": 1, \"category_id\": 1, \"bbox\": [0, 0, 5]}]}").Message,
            "annotations[1].bbox: expected [x, y, width, height], got 3 values");
        StringAssert.Contains(Malformed("{" + Categories + ", " + Images +
            ", \"annotations\": [{\"image_id\": 1, \"category_id\": 1, \"bbox\": [0, \"a\", 5, 5]}]}").Message, "annotations[0].bbox[1]: expected a number");
        StringAssert.Contains(Malformed("{" + Categories + ", " + Images +
            ", \"annotations\": [{\"image_id\": 2, \"category_id\": 1, \"bbox\": [0, 0, 5, 5]}]}").Message, "annotations[0].image_id: no image has id 2");
        StringAssert.Contains(Malformed("{" + Categories + ", " + Images +
            ", \"annotations\": [{\"image_id\": 1, \"category_id\": 7, \"bbox\": [0, 0, 5, 5]}]}").Message, "annotations[0].category_id: no category has id 7");
        StringAssert.Contains(Malformed("{" + Categories + ", " + Images +
            ", \"annotations\": [{\"image_id\": 1, \"category_id\": 1, \"bbox\": [0, 0, -5, 5]}]}").Message, "annotations[0].bbox: negative");
        StringAssert.Contains(Malformed("{\"categories\": [{\"id\": 1, \"name\": \"a\"}, {\"id\": 1, \"name\": \"b\"}], " + Images + "}").Message,
            "categories[1].id: category id 1 appears twice");
        var syntax = Malformed("{\n  \"images\": [\n    {\"id\": 1,,}\n  ]\n}");
        StringAssert.Contains(syntax.Message, "line 3");
        StringAssert.Contains(syntax.Message, "not valid JSON");
        StringAssert.Contains(Malformed("[1, 2]").Message, "top level must be an object");
    }
}
