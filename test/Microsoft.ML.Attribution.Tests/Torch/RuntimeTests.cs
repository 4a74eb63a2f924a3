using Microsoft.ML.Attribution.Torch;
using static Microsoft.ML.Attribution.Torch.torch;

namespace Microsoft.ML.Attribution.Tests.Torch;

[TestClass]
public sealed class RuntimeTests : TorchTest
{
    [TestMethod]
    public void Reports_libtorch_version_and_uses_all_cores_by_default()
    {
        StringAssert.StartsWith(__version__, "1.");
        Assert.AreEqual(Environment.ProcessorCount, get_num_threads());
        set_num_threads(1);
        Assert.AreEqual(1, get_num_threads());
        set_num_threads(Environment.ProcessorCount);
        StringAssert.Contains(__config__, "PyTorch built with");
    }

    [TestMethod]
    public void Seeded_generators_are_reproducible()
    {
        using DisposeScope scope = NewDisposeScope();
        using var g1 = new Generator(42);
        using var g2 = new Generator(42);
        using var g3 = new Generator(43);
        float[] a = randn([100], g1).data<float>();
        float[] b = randn([100], g2).data<float>();
        float[] c = randn([100], g3).data<float>();
        CollectionAssert.AreEqual(a, b);
        CollectionAssert.AreNotEqual(a, c);
        g1.manual_seed(42);
        CollectionAssert.AreEqual(a, randn([100], g1).data<float>());
        Assert.AreEqual(42L, g1.initial_seed());

        Tensor u = rand([10000], g3);
        Assert.IsTrue(u.ge(0).all().item<bool>() && u.lt(1).all().item<bool>());
        Tensor n = normal(3.0, 0.5, [20000], g3, ScalarType.Float64);
        Assert.AreEqual(3.0, n.mean().item<double>(), 0.02);
        Assert.AreEqual(0.5, n.std().item<double>(), 0.02);
        Tensor bits = bernoulli(full([20000], 0.25, ScalarType.Float64), g3);
        Assert.AreEqual(0.25, bits.mean().item<double>(), 0.02);
        CollectionAssert.AreEquivalent(Enumerable.Range(0, 10).Select(i => (long)i).ToArray(), randperm(10, g3).data<long>());
    }

    [TestMethod]
    public void Round_trips_managed_data_in_every_dtype()
    {
        using DisposeScope scope = NewDisposeScope();
        CollectionAssert.AreEqual(new[] { 1f, 2f, 3f, 4f, 5f, 6f }, tensor(new[] { 1f, 2f, 3f, 4f, 5f, 6f }, [2, 3]).data<float>());
        CollectionAssert.AreEqual(new[] { 1.5, -2.5 }, tensor(new[] { 1.5, -2.5 }).data<double>());
        CollectionAssert.AreEqual(new[] { 7L, -8L }, tensor(new[] { 7L, -8L }).data<long>());
        CollectionAssert.AreEqual(new[] { true, false }, tensor(new[] { true, false }).data<bool>());
        CollectionAssert.AreEqual(new byte[] { 0, 255 }, tensor(new byte[] { 0, 255 }).data<byte>());
        Tensor converted = tensor(new[] { 1, 2, 3 }, dtype: ScalarType.Float64, requires_grad: true);
        Assert.AreEqual(ScalarType.Float64, converted.dtype);
        Assert.IsTrue(converted.requires_grad);
        Tensor t = tensor(new[] { 1f, 2f, 3f, 4f, 5f, 6f }, [2, 3]).t();
        Assert.IsFalse(t.is_contiguous());
        CollectionAssert.AreEqual(new[] { 1f, 4f, 2f, 5f, 3f, 6f }, t.data<float>(), "non-contiguous tensors are read in logical order");
        CollectionAssert.AreEqual(new long[] { 3, 2 }, t.shape);
        Assert.AreEqual(18L, (arange(3.0) + 5L).sum().item<long>());
        Assert.AreEqual(ScalarType.Int64, (arange(3.0) + 5L).dtype, "integer scalars keep integer tensors integral");
        Assert.AreEqual("cpu", t.device.ToString());
    }
}
