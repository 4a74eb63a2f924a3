using Microsoft.ML.Attribution.Torch;
using static Microsoft.ML.Attribution.Torch.torch;
using F = Microsoft.ML.Attribution.Torch.torch.nn.functional;

namespace Microsoft.ML.Attribution.Tests.Torch;

/// <summary>
/// Autograd through the binding, and the explicit input-gradient ops (what the backward rules use) against it:
/// random float64 inputs, max abs difference ≤ 1e-10.
/// </summary>
[TestClass]
public sealed class AutogradTests : TorchTest
{
    private const double Exact = 1e-10;

    [TestMethod]
    public void Backward_accumulates_into_grad()
    {
        using DisposeScope scope = NewDisposeScope();
        Tensor x = tensor(new double[] { 1, -2, 3 }, requires_grad: true);
        Assert.IsTrue(x.requires_grad && x.is_leaf);
        Assert.IsNull(x.grad);
        Tensor y = (x * x).sum();
        y.backward();
        CollectionAssert.AreEqual(new double[] { 2, -4, 6 }, x.grad!.data<double>());
        (x * 3).sum().backward();
        CollectionAssert.AreEqual(new double[] { 5, -1, 9 }, x.grad!.data<double>());
        x.zero_grad();
        Assert.IsNull(x.grad);
    }

    [TestMethod]
    public void No_grad_and_enable_grad_scopes_restore_the_mode()
    {
        using DisposeScope scope = NewDisposeScope();
        Tensor x = ones([2], requires_grad: true);
        Assert.IsTrue(is_grad_enabled());
        using (no_grad())
        {
            Assert.IsFalse(is_grad_enabled());
            Assert.IsFalse((x * 2).requires_grad);
            using (enable_grad()) Assert.IsTrue((x * 2).requires_grad);
            Assert.IsFalse(is_grad_enabled());
        }
        Assert.IsTrue(is_grad_enabled());
        Assert.IsFalse((x * 2).detach().requires_grad);
    }

    [TestMethod]
    public void Autograd_grad_returns_vjps_and_null_for_unused_inputs()
    {
        using DisposeScope scope = NewDisposeScope();
        Tensor a = tensor(new double[] { 1, 2 }, requires_grad: true);
        Tensor b = tensor(new double[] { 3, 4 }, requires_grad: true);
        Tensor unused = tensor(new double[] { 5 }, requires_grad: true);
        Tensor y = a * b;
        Tensor?[] g = autograd.grad([y], [a, b, unused], [tensor(new double[] { 1, 10 })], allow_unused: true);
        CollectionAssert.AreEqual(new double[] { 3, 40 }, g[0]!.data<double>());
        CollectionAssert.AreEqual(new double[] { 1, 20 }, g[1]!.data<double>());
        Assert.IsNull(g[2]);
        Assert.IsNull(a.grad, "autograd.grad must not touch .grad");
        Assert.ThrowsExactly<TorchException>(() => autograd.grad([(a * 2).sum()], [unused]));
    }

    [TestMethod]
    public void Create_graph_gives_second_derivatives()
    {
        using DisposeScope scope = NewDisposeScope();
        Tensor x = tensor(new double[] { 2 }, requires_grad: true);
        Tensor y = x.pow(3);
        Tensor dy = autograd.grad([y], [x], create_graph: true)[0]!;
        Tensor d2y = autograd.grad([dy], [x])[0]!;
        Assert.AreEqual(12.0, dy.item<double>(), 1e-12);
        Assert.AreEqual(12.0, d2y.item<double>(), 1e-12);
    }

    private static Tensor InputGrad(Func<Tensor, Tensor> f, Tensor x, Tensor seed)
    {
        Tensor leaf = x.detach().requires_grad_();
        Tensor y = f(leaf);
        return autograd.grad([y], [leaf], [seed])[0]!;
    }

    [TestMethod]
    [DataRow(1, 0, 1, 1)]
    [DataRow(2, 1, 1, 1)]
    [DataRow(2, 2, 2, 2)]
    [DataRow(3, 0, 1, 4)]
    public void Conv2d_input_gradient_equals_autograd(int stride, int padding, int dilation, int groups)
    {
        using DisposeScope scope = NewDisposeScope();
        using var g = new Generator(stride * 100 + padding * 10 + dilation + groups);
        Tensor x = randn([2, 4, 13, 11], g, ScalarType.Float64);
        Tensor w = randn([8, 4 / groups, 3, 3], g, ScalarType.Float64);
        Tensor b = randn([8], g, ScalarType.Float64);
        long[] s = [stride], p = [padding], d = [dilation];
        Tensor y = F.conv2d(x, w, b, s, p, d, groups);
        Tensor seed = randn(y.shape, g, ScalarType.Float64);
        Tensor expected = InputGrad(t => F.conv2d(t, w, b, s, p, d, groups), x, seed);
        Tensor viaBackward = F.conv2d_backward(seed, x, w, s, p, d, groups).input!;
        AssertClose(expected, viaBackward, Exact, "convolution_backward");
        // conv_transpose2d with the output padding that restores the input size is the same operator.
        long[] outPad = new[] { 0, 1 }.Select(i => x.shape[2 + i] - ((y.shape[2 + i] - 1) * stride - 2 * padding + dilation * 2 + 1)).ToArray();
        Tensor viaTranspose = F.conv_transpose2d(seed, w, null, s, p, outPad, groups, d);
        AssertClose(expected, viaTranspose, Exact, "conv_transpose2d");
    }

    [TestMethod]
    [DataRow(3, 2, 1, false)]
    [DataRow(2, 2, 0, true)]
    [DataRow(3, 1, 1, false)]
    public void Max_pool_input_gradient_equals_autograd(int kernel, int stride, int padding, bool ceil)
    {
        using DisposeScope scope = NewDisposeScope();
        using var g = new Generator(kernel * 10 + stride);
        Tensor x = randn([2, 3, 11, 9], g, ScalarType.Float64);
        long[] k = [kernel], s = [stride], p = [padding];
        var (y, indices) = F.max_pool2d_with_indices(x, k, s, p, null, ceil);
        AssertClose(F.max_pool2d(x, k, s, p, null, ceil), y, 0, "max_pool2d values");
        Tensor seed = randn(y.shape, g, ScalarType.Float64);
        Tensor expected = InputGrad(t => F.max_pool2d(t, k, s, p, null, ceil), x, seed);
        AssertClose(expected, F.max_pool2d_with_indices_backward(seed, x, k, s, p, null, ceil, indices), Exact, "max_pool2d backward");
    }

    [TestMethod]
    [DataRow(3, 2, 1, true, false)]
    [DataRow(3, 2, 1, false, false)]
    [DataRow(2, 2, 0, false, true)]
    public void Avg_pool_input_gradient_equals_autograd(int kernel, int stride, int padding, bool countIncludePad, bool ceil)
    {
        using DisposeScope scope = NewDisposeScope();
        using var g = new Generator(kernel * 10 + stride);
        Tensor x = randn([2, 3, 11, 9], g, ScalarType.Float64);
        long[] k = [kernel], s = [stride], p = [padding];
        Tensor y = F.avg_pool2d(x, k, s, p, ceil, countIncludePad);
        Tensor seed = randn(y.shape, g, ScalarType.Float64);
        Tensor expected = InputGrad(t => F.avg_pool2d(t, k, s, p, ceil, countIncludePad), x, seed);
        AssertClose(expected, F.avg_pool2d_backward(seed, x, k, s, p, ceil, countIncludePad), Exact, "avg_pool2d backward");
    }

    [TestMethod]
    [DataRow(1, 1)]
    [DataRow(3, 4)]
    [DataRow(7, 5)]
    public void Adaptive_avg_pool_input_gradient_equals_autograd(int oh, int ow)
    {
        using DisposeScope scope = NewDisposeScope();
        using var g = new Generator(oh * 10 + ow);
        Tensor x = randn([2, 3, 11, 9], g, ScalarType.Float64);
        Tensor y = F.adaptive_avg_pool2d(x, [oh, ow]);
        Tensor seed = randn(y.shape, g, ScalarType.Float64);
        Tensor expected = InputGrad(t => F.adaptive_avg_pool2d(t, [oh, ow]), x, seed);
        AssertClose(expected, F.adaptive_avg_pool2d_backward(seed, x), Exact, "adaptive_avg_pool2d backward");
    }

    [TestMethod]
    public void Linear_input_gradient_equals_autograd()
    {
        using DisposeScope scope = NewDisposeScope();
        using var g = new Generator(7);
        Tensor x = randn([5, 12], g, ScalarType.Float64);
        Tensor w = randn([6, 12], g, ScalarType.Float64);
        Tensor b = randn([6], g, ScalarType.Float64);
        Tensor seed = randn([5, 6], g, ScalarType.Float64);
        Tensor expected = InputGrad(t => F.linear(t, w, b), x, seed);
        AssertClose(expected, seed.matmul(w), Exact, "linear transpose");
    }
}
