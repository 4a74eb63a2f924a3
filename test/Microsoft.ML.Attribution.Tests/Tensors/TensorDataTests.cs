using TorchSharp;
using Microsoft.ML.Attribution.Tensors;
using static TorchSharp.torch;

namespace Microsoft.ML.Attribution.Tests.Tensors;

[TestClass]
public sealed class TensorDataTests : TorchTest
{
    [TestMethod]
    public void Reports_torchsharp_libtorch_and_threads()
    {
        StringAssert.StartsWith(__version__, "2.");
        int threads = get_num_threads();
        Assert.IsGreaterThanOrEqualTo(1, threads);
        set_num_threads(1);
        Assert.AreEqual(1, get_num_threads());
        set_num_threads(threads);
    }

    [TestMethod]
    public void Reads_check_the_element_type_and_the_destination_length()
    {
        using DisposeScope scope = NewDisposeScope();
        Tensor a = zeros([4], ScalarType.Float64);
        StringAssert.Contains(Assert.ThrowsExactly<InvalidOperationException>(() => a.ToArray<float>()).Message, "float64");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => a.CopyTo(new double[3].AsSpan())).Message, "[4] float64");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => TensorData.FromArray(new float[5], 2, 3)).Message, "5 elements");
        Assert.ThrowsExactly<ArgumentException>(() => TensorData.FromArray(new float[7], 2, 3));
        Assert.ThrowsExactly<ArgumentException>(() => TensorData.FromArray(new float[6], 2, -3));
        Assert.ThrowsExactly<ArgumentException>(() => a.ItemAs<double>());
    }

    [TestMethod]
    public void ItemAs_converts_like_libtorch_item()
    {
        using DisposeScope scope = NewDisposeScope();
        Assert.AreEqual(2.5, tensor(2.5f).ItemAs<double>());
        Assert.AreEqual(7.0, tensor(7L).ItemAs<double>());
        Assert.AreEqual(3L, tensor(3, ScalarType.Int32).ItemAs<long>());
        Assert.IsTrue(tensor(1.0).gt(0).ItemAs<bool>());
        Assert.AreEqual(-2f, tensor(-2.0).ItemAs<float>());
    }

    [TestMethod]
    public void Describe_names_shape_dtype_and_survives_disposal()
    {
        Tensor a = zeros([2, 3]);
        Assert.AreEqual("[2,3] float32", a.Describe());
        a.Dispose();
        Assert.AreEqual("disposed tensor", a.Describe());
        using Tensor b = zeros([4], ScalarType.Int64);
        Assert.AreEqual("[4] int64", b.Describe());
    }

    [TestMethod]
    public void Cuda_is_reported_unavailable_cleanly()
    {
        Assert.IsFalse(cuda.is_available());
        Assert.AreEqual(0, cuda.device_count());
        StringAssert.Contains(Assert.ThrowsExactly<NotSupportedException>(() => ComputeDevice.Parse("cuda").EnsureAvailable()).Message, "CUDA is not available");
        Assert.AreEqual("cuda:1", ComputeDevice.Parse(" CUDA:1 ").ToString());
        Assert.ThrowsExactly<ArgumentException>(() => ComputeDevice.Parse("tpu"));
        Assert.ThrowsExactly<ArgumentException>(() => ComputeDevice.Parse("cuda:-1"));
        ComputeDevice.Cpu.EnsureAvailable();
    }

    [TestMethod]
    public void Seeded_generators_are_reproducible()
    {
        using DisposeScope scope = NewDisposeScope();
        using var g1 = RandomGenerators.FromSeed(42);
        using var g2 = RandomGenerators.FromSeed(42);
        using var g3 = RandomGenerators.FromSeed(43);
        float[] a = randn([100], generator: g1).ToArray<float>();
        float[] b = randn([100], generator: g2).ToArray<float>();
        float[] c = randn([100], generator: g3).ToArray<float>();
        CollectionAssert.AreEqual(a, b);
        CollectionAssert.AreNotEqual(a, c);
        g1.manual_seed(42);
        CollectionAssert.AreEqual(a, randn([100], generator: g1).ToArray<float>());
        Assert.AreEqual(42L, g1.initial_seed());

        Tensor u = rand([10000], generator: g3);
        Assert.IsTrue(u.ge(0).all().ItemAs<bool>() && u.lt(1).all().ItemAs<bool>());
        Tensor n = normal(3.0, 0.5, [20000], ScalarType.Float64, generator: g3);
        Assert.AreEqual(3.0, n.mean().ItemAs<double>(), 0.02);
        Assert.AreEqual(0.5, n.std().ItemAs<double>(), 0.02);
        Tensor bits = bernoulli(full([20000], 0.25, ScalarType.Float64), g3);
        Assert.AreEqual(0.25, bits.mean().ItemAs<double>(), 0.02);
        CollectionAssert.AreEquivalent(Enumerable.Range(0, 10).Select(i => (long)i).ToArray(), randperm(10, generator: g3).ToArray<long>());
    }

    [TestMethod]
    public void Round_trips_managed_data_in_every_dtype()
    {
        using DisposeScope scope = NewDisposeScope();
        CollectionAssert.AreEqual(new[] { 1f, 2f, 3f, 4f, 5f, 6f }, tensor(new[] { 1f, 2f, 3f, 4f, 5f, 6f }, [2, 3]).ToArray<float>());
        CollectionAssert.AreEqual(new[] { 1.5, -2.5 }, tensor(new[] { 1.5, -2.5 }).ToArray<double>());
        CollectionAssert.AreEqual(new[] { 7L, -8L }, tensor(new[] { 7L, -8L }).ToArray<long>());
        CollectionAssert.AreEqual(new[] { true, false }, tensor(new[] { true, false }).ToArray<bool>());
        CollectionAssert.AreEqual(new byte[] { 0, 255 }, tensor(new byte[] { 0, 255 }).ToArray<byte>());
        Tensor converted = tensor(new[] { 1, 2, 3 }, dtype: ScalarType.Float64).requires_grad_();
        Assert.AreEqual(ScalarType.Float64, converted.dtype);
        Assert.IsTrue(converted.requires_grad);
        Tensor t = tensor(new[] { 1f, 2f, 3f, 4f, 5f, 6f }, [2, 3]).t();
        Assert.IsFalse(t.is_contiguous());
        CollectionAssert.AreEqual(new[] { 1f, 4f, 2f, 5f, 3f, 6f }, t.ToArray<float>(), "non-contiguous tensors are read in logical order");
        CollectionAssert.AreEqual(new long[] { 3, 2 }, t.shape);
        Assert.AreEqual(18L, (arange(3) + 5L).sum().ItemAs<long>());
        Assert.AreEqual(ScalarType.Int64, (arange(3) + 5L).dtype, "integer scalars keep integer tensors integral");
        CollectionAssert.AreEqual(new[] { 1f, 4f, 2f, 5f, 3f, 6f }, TensorData.FromArray(new[] { 1f, 4f, 2f, 5f, 3f, 6f }, 3, 2).ToArray<float>());
        Assert.AreEqual(ComputeDevice.Cpu, ComputeDevice.Of(t));
    }
}
