using Microsoft.ML.Attribution.Data;

namespace Microsoft.ML.Attribution.Tests.Data;

[TestClass]
public sealed class SchemaShapeTests
{
    [TestMethod]
    public void CreateDescribesVisibleColumnsWithKindsKeysAndAnnotations()
    {
        var annotations = new DataViewSchema.Annotations.Builder();
        annotations.AddPrimitiveValue("Note", TextDataViewType.Instance, "x".AsMemory());
        var builder = new DataViewSchema.Builder();
        builder.AddColumn("Label", NumberDataViewType.Int32);
        builder.AddColumn("Label", new KeyDataViewType(typeof(uint), 5));
        builder.AddColumn("Pixels", new VectorDataViewType(NumberDataViewType.Single, 3, 4, 4), annotations.ToAnnotations());
        builder.AddColumn("Tokens", new VectorDataViewType(TextDataViewType.Instance));

        SchemaShape shape = SchemaShape.Create(builder.ToSchema());

        Assert.AreEqual(3, shape.Count, "the hidden Label is skipped");
        Assert.IsTrue(shape.TryFindColumn("Label", out SchemaShape.Column label));
        Assert.IsTrue(label.IsKey);
        Assert.AreEqual(NumberDataViewType.UInt32, label.ItemType);
        Assert.AreEqual(SchemaShape.Column.VectorKind.Scalar, label.Kind);
        Assert.AreEqual("Key<UInt32>", label.GetTypeString());

        Assert.IsTrue(shape.TryFindColumn("Pixels", out SchemaShape.Column pixels));
        Assert.AreEqual(SchemaShape.Column.VectorKind.Vector, pixels.Kind);
        Assert.AreEqual(NumberDataViewType.Single, pixels.ItemType);
        Assert.AreEqual("Vector<Single>", pixels.GetTypeString());
        Assert.IsTrue(pixels.Annotations.TryFindColumn("Note", out _));

        Assert.IsTrue(shape.TryFindColumn("Tokens", out SchemaShape.Column tokens));
        Assert.AreEqual(SchemaShape.Column.VectorKind.VariableVector, tokens.Kind);
        Assert.AreEqual("VarVector<String>", tokens.GetTypeString());
        Assert.IsFalse(shape.TryFindColumn("Nope", out _));
    }

    [TestMethod]
    public void ColumnConstructorIsPublicButRejectsVectorAndKeyItemTypes()
    {
        var column = new SchemaShape.Column("X", SchemaShape.Column.VectorKind.Vector, NumberDataViewType.Single, isKey: false);

        Assert.IsTrue(column.IsCompatibleWith(column));
        Assert.IsFalse(column.IsCompatibleWith(new SchemaShape.Column("X", SchemaShape.Column.VectorKind.Scalar, NumberDataViewType.Single, false)));
        Assert.ThrowsExactly<ArgumentException>(() =>
            new SchemaShape.Column("X", SchemaShape.Column.VectorKind.Vector, new VectorDataViewType(NumberDataViewType.Single, 2), false));
        Assert.ThrowsExactly<ArgumentException>(() =>
            new SchemaShape.Column("X", SchemaShape.Column.VectorKind.Scalar, new KeyDataViewType(typeof(uint), 2), true));
        Assert.ThrowsExactly<ArgumentException>(() =>
            new SchemaShape.Column("X", SchemaShape.Column.VectorKind.Scalar, NumberDataViewType.Single, isKey: true));
    }
}
