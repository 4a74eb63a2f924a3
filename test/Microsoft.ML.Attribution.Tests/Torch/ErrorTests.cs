using Microsoft.ML.Attribution.Torch;
using static Microsoft.ML.Attribution.Torch.torch;
using F = Microsoft.ML.Attribution.Torch.torch.nn.functional;

namespace Microsoft.ML.Attribution.Tests.Torch;

/// <summary>Bad calls surface as managed exceptions that name the operation and the operands; the process survives.</summary>
[TestClass]
public sealed class ErrorTests : TorchTest
{
    [TestMethod]
    public void Mismatched_shapes_name_the_operation_and_shapes()
    {
        using Tensor a = zeros(2, 3);
        using Tensor b = zeros(4, 5);
        var e = Assert.ThrowsExactly<TorchException>(() => a + b);
        Assert.AreEqual("add", e.Operation);
        StringAssert.Contains(e.Message, "[2,3] float32");
        StringAssert.Contains(e.Message, "[4,5] float32");
        StringAssert.Contains(e.Message, "must match the size");
    }

    [TestMethod]
    public void Conv2d_with_wrong_channel_count_is_a_clear_error()
    {
        using Tensor x = zeros(1, 3, 8, 8);
        using Tensor w = zeros(4, 5, 3, 3);
        var e = Assert.ThrowsExactly<TorchException>(() => F.conv2d(x, w));
        Assert.AreEqual("conv2d", e.Operation);
        StringAssert.Contains(e.Message, "[1,3,8,8]");
        StringAssert.Contains(e.Message, "[4,5,3,3]");
        Assert.DoesNotContain("Exception raised from", e.Message, "libtorch backtraces are stripped");
    }

    [TestMethod]
    public void Mixed_dtypes_where_libtorch_refuses_are_reported()
    {
        using Tensor a = zeros([2, 3], ScalarType.Float64);
        using Tensor b = zeros([3, 4], ScalarType.Float32);
        var e = Assert.ThrowsExactly<TorchException>(() => a.mm(b));
        StringAssert.Contains(e.Message, "float64");
        StringAssert.Contains(e.Message, "float32");
    }

    [TestMethod]
    public void Reading_with_the_wrong_element_type_throws()
    {
        using Tensor a = zeros([4], ScalarType.Float64);
        var e = Assert.ThrowsExactly<InvalidOperationException>(() => a.data<float>());
        StringAssert.Contains(e.Message, "float64");
    }

    [TestMethod]
    public void Use_after_dispose_throws_ObjectDisposed()
    {
        Tensor a = ones(3);
        a.Dispose();
        a.Dispose(); // idempotent
        Assert.IsTrue(a.IsDisposed);
        var e = Assert.ThrowsExactly<ObjectDisposedException>(() => a.sum());
        StringAssert.Contains(e.Message, "used after it was disposed");
    }

    [TestMethod]
    public void Use_after_scope_dispose_throws_ObjectDisposed()
    {
        Tensor a;
        using (NewDisposeScope()) a = ones(3);
        Assert.ThrowsExactly<ObjectDisposedException>(() => a.relu());
    }

    [TestMethod]
    public void Cuda_is_reported_unavailable_cleanly()
    {
        Assert.IsFalse(cuda.is_available());
        Assert.AreEqual(0, cuda.device_count());
        var e = Assert.ThrowsExactly<NotSupportedException>(() => zeros([2], device: CUDA));
        StringAssert.Contains(e.Message, "CUDA is not available");
        using Tensor a = zeros(2);
        Assert.ThrowsExactly<NotSupportedException>(() => a.cuda());
        Assert.ThrowsExactly<NotSupportedException>(() => a.to(device("cuda:0")));
    }

    [TestMethod]
    public void Bad_arguments_are_rejected_before_reaching_libtorch()
    {
        Assert.ThrowsExactly<ArgumentException>(() => tensor(new float[5], [2, 3]));
        Assert.ThrowsExactly<ArgumentException>(() => device("tpu"));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => set_num_threads(0));
        Assert.ThrowsExactly<ArgumentException>(() => cat(Array.Empty<Tensor>()));
        using Tensor x = zeros(1, 1, 4, 4);
        Assert.ThrowsExactly<ArgumentException>(() => F.conv2d(x, x, stride: [1, 2, 3]));
        Assert.ThrowsExactly<ArgumentException>(() => F.interpolate(x));
        Assert.ThrowsExactly<ArgumentException>(() => F.pad(x, [1, 2, 3]));
    }

    [TestMethod]
    public void Out_of_range_index_is_reported_not_crashed()
    {
        using Tensor a = zeros(3, 4);
        var e = Assert.ThrowsExactly<TorchException>(() => a.select(1, 7));
        StringAssert.Contains(e.Message, "select(dim=1, index=7)");
        using Tensor idx = tensor(new long[] { 0, 9 });
        Assert.ThrowsExactly<TorchException>(() => a.index_select(0, idx));
    }

    [TestMethod]
    public void Backward_without_grad_is_reported()
    {
        using Tensor a = ones(3);
        using Tensor s = a.sum();
        var e = Assert.ThrowsExactly<TorchException>(() => s.backward());
        Assert.AreEqual("backward", e.Operation);
        StringAssert.Contains(e.Message, "does not require grad");
    }
}
