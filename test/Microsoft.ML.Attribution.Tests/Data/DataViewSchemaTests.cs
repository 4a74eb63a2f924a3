using System.Collections.Immutable;
using Microsoft.ML.Attribution.Data;

namespace Microsoft.ML.Attribution.Tests.Data;

[TestClass]
public sealed class DataViewSchemaTests
{
    [TestMethod]
    public void ReusedNameHidesEarlierColumnsAndLookupFindsTheLast()
    {
        var builder = new DataViewSchema.Builder();
        builder.AddColumn("A", NumberDataViewType.Single);
        builder.AddColumn("B", TextDataViewType.Instance);
        builder.AddColumn("A", NumberDataViewType.Double);
        DataViewSchema schema = builder.ToSchema();

        Assert.AreEqual(3, schema.Count);
        Assert.IsTrue(schema[0].IsHidden);
        Assert.IsFalse(schema[1].IsHidden);
        Assert.IsFalse(schema[2].IsHidden);
        Assert.AreEqual(2, schema["A"].Index);
        Assert.AreEqual(NumberDataViewType.Double, schema["A"].Type);
        Assert.AreEqual(1, schema.GetColumnOrNull("B")?.Index);
        Assert.IsNull(schema.GetColumnOrNull("Z"));
    }

    [TestMethod]
    public void NameIndexerThrowsArgumentOutOfRangeForUnknownName()
    {
        var builder = new DataViewSchema.Builder();
        builder.AddColumn("A", NumberDataViewType.Single);
        DataViewSchema schema = builder.ToSchema();

        var e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => schema["Missing"]);
        Assert.AreEqual("name", e.ParamName);
        Assert.StartsWith("Column 'Missing' not found", e.Message);
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => schema[1]);
    }

    [TestMethod]
    public void AnnotationsAreReadableByKindAndShownInColumnText()
    {
        var annotations = new DataViewSchema.Annotations.Builder();
        annotations.AddPrimitiveValue("Offset", NumberDataViewType.Int32, 7);
        var builder = new DataViewSchema.Builder();
        builder.AddColumn("Features", new VectorDataViewType(NumberDataViewType.Single, 3), annotations.ToAnnotations());
        DataViewSchema.Column column = builder.ToSchema()["Features"];

        int offset = 0;
        column.Annotations.GetValue("Offset", ref offset);

        Assert.AreEqual(7, offset);
        Assert.AreEqual("Features: Vector<Single, 3> {Offset}", column.ToString());
        Assert.ThrowsExactly<InvalidOperationException>(() => column.Annotations.GetGetter<long>(column.Annotations.Schema["Offset"]));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => column.Annotations.GetValue("Nope", ref offset));
        Assert.AreEqual(0, DataViewSchema.Annotations.Empty.Schema.Count);
    }

    [TestMethod]
    public void AnnotationGetterMustMatchDeclaredType()
    {
        var annotations = new DataViewSchema.Annotations.Builder();
        ValueGetter<float> wrong = (ref float v) => v = 1;

        Assert.ThrowsExactly<ArgumentException>(() => annotations.Add("X", NumberDataViewType.Int32, wrong));
    }

    [TestMethod]
    public void VectorTypesCompareByValueAndPrintLikeMLNet()
    {
        var image = new VectorDataViewType(NumberDataViewType.Single, 3, 224, 224);

        Assert.AreEqual(new VectorDataViewType(NumberDataViewType.Single, ImmutableArray.Create(3, 224, 224)), image);
        Assert.AreEqual(new VectorDataViewType(NumberDataViewType.Single, 3, 224, 224).GetHashCode(), image.GetHashCode());
        Assert.AreNotEqual(new VectorDataViewType(NumberDataViewType.Double, 3, 224, 224), image);
        Assert.AreNotEqual<DataViewType>(new VectorDataViewType(NumberDataViewType.Single, 224, 224, 3), image);
        Assert.AreEqual("Vector<Single, 3, 224, 224>", image.ToString());
        Assert.AreEqual(3 * 224 * 224, image.Size);
        Assert.AreEqual(typeof(VBuffer<float>), image.RawType);

        var unknown = new VectorDataViewType(NumberDataViewType.Single);
        Assert.IsFalse(unknown.IsKnownSize);
        Assert.AreEqual("Vector<Single>", unknown.ToString());
        var partly = new VectorDataViewType(NumberDataViewType.Single, 0, 3);
        Assert.AreEqual(0, partly.Size);
        Assert.AreEqual("Vector<Single, *, 3>", partly.ToString());
    }

    [TestMethod]
    public void ScalarTypesHaveTheExpectedRawTypesAndNames()
    {
        Assert.AreEqual(typeof(ReadOnlyMemory<char>), TextDataViewType.Instance.RawType);
        Assert.AreEqual("String", TextDataViewType.Instance.ToString());
        Assert.AreEqual("Single", NumberDataViewType.Single.ToString());
        Assert.AreEqual(typeof(byte), NumberDataViewType.Byte.RawType);
        Assert.AreEqual(typeof(bool), BooleanDataViewType.Instance.RawType);
        Assert.AreEqual(new KeyDataViewType(typeof(uint), 10), new KeyDataViewType(typeof(uint), 10UL));
        Assert.AreNotEqual(new KeyDataViewType(typeof(uint), 10), new KeyDataViewType(typeof(uint), 11));
        Assert.ThrowsExactly<ArgumentException>(() => new KeyDataViewType(typeof(int), 3));
    }

    [TestMethod]
    public void ImageTypesCarrySizeAndConfigurableRawType()
    {
        var sized = new ImageDataViewType(typeof(FakeImage), 224, 160);

        Assert.AreEqual(typeof(FakeImage), sized.RawType);
        Assert.AreEqual(224, sized.Height);
        Assert.AreEqual(160, sized.Width);
        Assert.AreEqual("Image<224, 160>", sized.ToString());
        Assert.AreEqual("Image", new ImageDataViewType(typeof(FakeImage)).ToString());
        Assert.AreEqual(new ImageDataViewType(typeof(FakeImage), 224, 160), sized);
        Assert.AreNotEqual(new ImageDataViewType(typeof(FakeImage), 160, 224), sized);
        Assert.AreNotEqual(new ImageDataViewType(typeof(string), 224, 160), sized);
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new ImageDataViewType(typeof(FakeImage), 10, 0));
        Assert.ThrowsExactly<ArgumentException>(() => new ImageDataViewType(typeof(int)));
    }
}
