using Microsoft.ML.Attribution.Torch;
using static Microsoft.ML.Attribution.Torch.torch;

namespace Microsoft.ML.Attribution.Tests.Torch;

/// <summary>The native one-pass excitation transpose through a dense layer equals its written-out definition.</summary>
[TestClass]
public sealed class DenseExcitationTests : TorchTest
{
    [TestMethod]
    [DataRow(ScalarType.Float64, false, 1e-12)]
    [DataRow(ScalarType.Float64, true, 1e-12)]
    [DataRow(ScalarType.Float32, false, 1e-5)]
    [DataRow(ScalarType.Float32, true, 1e-5)]
    public void Equals_the_definition(ScalarType dtype, bool negate, double tolerance)
    {
        using DisposeScope scope = NewDisposeScope();
        using var g = new Generator(53);
        // 37 features: two full 16-lane blocks and a remainder; 70 units: split between the threads (each its own g).
        Tensor x = randn([3, 37], g).relu().to(dtype);
        x[1].zero_(); // a row whose z is 0 everywhere: s = p / ε, as the definition has it
        Tensor w = randn([70, 37], g).to(dtype);
        Tensor p = randn([3, 70], g).to(dtype);
        Tensor modified = (negate ? w.neg() : w).clamp_min(0);
        Tensor z = x.matmul(modified.t());
        Tensor expected = (p / (z + 1e-20)).matmul(modified);
        Tensor actual = DenseExcitation.Transpose(x, w, p, negate, 1e-20);
        Assert.IsTrue(DenseExcitation.Applies(x, w, p));
        CollectionAssert.AreEqual(expected.shape, actual.shape);
        foreach (long row in new long[] { 0, 2 })
            AssertClose(expected[row], actual[row], tolerance * Range(expected[row]), $"row {row}");
        AssertClose(expected[1], actual[1], 1e-6 * Range(expected[1]), "the all-zero row (s = p / 1e-20)");
    }

    [TestMethod]
    public void Empty_operands_give_empty_or_zero_results()
    {
        using DisposeScope scope = NewDisposeScope();
        Tensor none = DenseExcitation.Transpose(zeros([0, 5]), ones([4, 5]), zeros([0, 4]), false, 1e-20);
        CollectionAssert.AreEqual(new long[] { 0, 5 }, none.shape);
        Tensor noUnits = DenseExcitation.Transpose(ones([2, 5]), zeros([0, 5]), zeros([2, 0]), false, 1e-20);
        Assert.AreEqual(0.0, noUnits.abs().max().item<double>(), "no units: nothing flows back");
    }

    [TestMethod]
    public void Mismatched_operands_give_clear_errors()
    {
        using DisposeScope scope = NewDisposeScope();
        Tensor x = ones([2, 5]), w = ones([4, 6]), p = ones([2, 4]);
        Assert.IsFalse(DenseExcitation.Applies(x, w, p));
        var error = Assert.ThrowsExactly<TorchException>(() => DenseExcitation.Transpose(x, w, p, false, 1e-20));
        StringAssert.Contains(error.Message, "features");
    }
}
