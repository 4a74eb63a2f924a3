using Microsoft.ML.Attribution.Data;

namespace Microsoft.ML.Attribution.Tests.Data;

[TestClass]
public sealed class VBufferTests
{
    [TestMethod]
    public void DenseBufferExposesAllValuesAndNoIndices()
    {
        var buffer = new VBuffer<float>(3, [1f, 2f, 3f, 99f]);

        Assert.IsTrue(buffer.IsDense);
        Assert.AreEqual(3, buffer.Length);
        CollectionAssert.AreEqual(new[] { 1f, 2f, 3f }, buffer.GetValues().ToArray(), "only the first Length items count");
        Assert.AreEqual(0, buffer.GetIndices().Length);
        Assert.AreEqual(2f, buffer.GetItemOrDefault(1));
        CollectionAssert.AreEqual(new[] { 1f, 2f, 3f }, buffer.DenseValues().ToArray());
    }

    [TestMethod]
    public void SparseBufferReadsDefaultsBetweenExplicitValues()
    {
        var buffer = new VBuffer<float>(5, 2, [7f, 9f], [1, 3]);

        Assert.IsFalse(buffer.IsDense);
        CollectionAssert.AreEqual(new[] { 7f, 9f }, buffer.GetValues().ToArray());
        CollectionAssert.AreEqual(new[] { 1, 3 }, buffer.GetIndices().ToArray());
        CollectionAssert.AreEqual(new[] { 0f, 7f, 0f, 9f, 0f }, buffer.DenseValues().ToArray());
        Assert.AreEqual(0f, buffer.GetItemOrDefault(0));
        Assert.AreEqual(9f, buffer.GetItemOrDefault(3));
        CollectionAssert.AreEqual(new[] { KeyValuePair.Create(1, 7f), KeyValuePair.Create(3, 9f) }, buffer.Items().ToArray());
        Assert.AreEqual(5, buffer.Items(all: true).Count());
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => buffer.GetItemOrDefault(5));
    }

    [TestMethod]
    public void SparseAndDenseFormsOfTheSameVectorCopyToTheSameDenseValues()
    {
        var sparse = new VBuffer<int>(4, 1, [5], [2]);
        var dense = new VBuffer<int>(4, [0, 0, 5, 0]);
        Span<int> a = [-1, -1, -1, -1];
        Span<int> b = [-1, -1, -1, -1];

        sparse.CopyTo(a);
        dense.CopyTo(b);

        CollectionAssert.AreEqual(b.ToArray(), a.ToArray(), "stale destination items must be overwritten with default");
    }

    [TestMethod]
    public void CopyToKeepsSparsityAndCopyToDenseFillsGaps()
    {
        var sparse = new VBuffer<double>(6, 2, [1.5, 2.5], [0, 5]);
        VBuffer<double> kept = default;
        VBuffer<double> densified = default;

        sparse.CopyTo(ref kept);
        sparse.CopyToDense(ref densified);

        Assert.IsFalse(kept.IsDense);
        CollectionAssert.AreEqual(new[] { 0, 5 }, kept.GetIndices().ToArray());
        Assert.IsTrue(densified.IsDense);
        CollectionAssert.AreEqual(new[] { 1.5, 0, 0, 0, 0, 2.5 }, densified.GetValues().ToArray());
    }

    [TestMethod]
    public void EditorReusesArraysWhenLargeEnough()
    {
        VBuffer<float> buffer = default;
        var first = VBufferEditor.Create(ref buffer, 4);
        Assert.IsTrue(first.CreatedNewValues);
        for (int i = 0; i < 4; i++)
            first.Values[i] = i;
        buffer = first.Commit();

        var second = VBufferEditor.Create(ref buffer, 2);
        Assert.IsFalse(second.CreatedNewValues, "a smaller vector fits in the old array");
        second.Values[0] = 10f;
        second.Values[1] = 11f;
        buffer = second.Commit();

        Assert.AreEqual(2, buffer.Length);
        CollectionAssert.AreEqual(new[] { 10f, 11f }, buffer.GetValues().ToArray());
    }

    [TestMethod]
    public void EditorWritesSparseVectorsAndCanTruncate()
    {
        VBuffer<float> buffer = default;
        var editor = VBufferEditor.Create(ref buffer, 10, valuesCount: 3);
        Assert.AreEqual(3, editor.Indices.Length);
        editor.Values[0] = 1f;
        editor.Indices[0] = 4;
        editor.Values[1] = 2f;
        editor.Indices[1] = 8;
        buffer = editor.CommitTruncated(2);

        Assert.AreEqual(10, buffer.Length);
        CollectionAssert.AreEqual(new[] { 4, 8 }, buffer.GetIndices().ToArray());
        Assert.AreEqual(2f, buffer.GetItemOrDefault(8));
    }

    [TestMethod]
    public void InvalidSparseLayoutsAreRejected()
    {
        Assert.ThrowsExactly<ArgumentException>(() => new VBuffer<int>(5, 2, [1, 2], [3, 3]));
        Assert.ThrowsExactly<ArgumentException>(() => new VBuffer<int>(5, 2, [1, 2], [1, 5]));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new VBuffer<int>(2, 3, [1, 2, 3], [0, 1, 2]));
        Assert.ThrowsExactly<ArgumentException>(() => new VBuffer<int>(3, [1, 2]));
    }

    [TestMethod]
    public void DefaultBufferIsEmpty()
    {
        VBuffer<float> buffer = default;

        Assert.AreEqual(0, buffer.Length);
        Assert.IsTrue(buffer.IsDense);
        Assert.AreEqual(0, buffer.GetValues().Length);
        Assert.AreEqual(0, buffer.DenseValues().Count());
    }
}
