using TorchSharp;
using Microsoft.ML.Attribution.Tensors;
using static TorchSharp.torch;

namespace Microsoft.ML.Attribution.Tests.Tensors;

/// <summary>Mismatched matmul shapes are managed errors (TorchSharp's own matmul would end the process), matching shapes are torch's matmul.</summary>
[TestClass]
public sealed class CheckedMatMulTests : TorchTest
{
    [TestMethod]
    public void Mismatched_shapes_throw_naming_both_operands()
    {
        using DisposeScope scope = NewDisposeScope();
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => CheckedMatMul.Of(zeros(2, 3), zeros(4, 5))).Message, "[2,3] float32");
        Assert.ThrowsExactly<ArgumentException>(() => CheckedMatMul.Of(zeros(3), zeros(4)));
        Assert.ThrowsExactly<ArgumentException>(() => CheckedMatMul.Of(zeros(2, 3, 4), zeros(5, 4, 6)));
        Assert.ThrowsExactly<ArgumentException>(() => CheckedMatMul.Of(zeros(2, 3), zeros([3, 2], ScalarType.Float64)));
        Assert.ThrowsExactly<ArgumentException>(() => CheckedMatMul.Of(zeros(2, 3), tensor(1f)));
    }

    [TestMethod]
    public void Matching_shapes_broadcast_as_numpy()
    {
        using DisposeScope scope = NewDisposeScope();
        CollectionAssert.AreEqual(new long[] { 2, 5 }, CheckedMatMul.Of(ones(2, 3), ones(3, 5)).shape);
        CollectionAssert.AreEqual(new long[] { 4, 2, 5 }, CheckedMatMul.Of(ones(1, 2, 3), ones(4, 3, 5)).shape);
        CollectionAssert.AreEqual(new long[] { 2 }, CheckedMatMul.Of(ones(2, 3), ones(3)).shape);
        CollectionAssert.AreEqual(new long[] { 5 }, CheckedMatMul.Of(ones(3), ones(3, 5)).shape);
        Assert.AreEqual(3f, CheckedMatMul.Of(ones(3), ones(3)).ItemAs<float>());
    }
}
