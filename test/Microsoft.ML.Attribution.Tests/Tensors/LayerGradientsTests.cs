using TorchSharp;
using Microsoft.ML.Attribution.Tensors;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Microsoft.ML.Attribution.Tests.Tensors;

/// <summary>
/// Checked autograd (<see cref="SafeAutograd"/>), and the explicit layer gradients the backward rules use
/// (<see cref="LayerGradients"/>) against libtorch's autograd: random float64 inputs, max abs difference ≤ 1e-10.
/// </summary>
[TestClass]
public sealed class LayerGradientsTests : TorchTest
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
        CollectionAssert.AreEqual(new double[] { 2, -4, 6 }, x.grad!.ToArray<double>());
        (x * 3).sum().backward();
        CollectionAssert.AreEqual(new double[] { 5, -1, 9 }, x.grad!.ToArray<double>());
        x.grad = null;
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
    public void Checked_grad_returns_vjps_and_zeros_for_unused_inputs()
    {
        using DisposeScope scope = NewDisposeScope();
        Tensor a = tensor(new double[] { 1, 2 }, requires_grad: true);
        Tensor b = tensor(new double[] { 3, 4 }, requires_grad: true);
        Tensor unused = tensor(new double[] { 5 }, requires_grad: true);
        Tensor y = a * b;
        Tensor?[] g = SafeAutograd.Grad([y], [a, b, unused], [tensor(new double[] { 1, 10 })], allowUnused: true);
        CollectionAssert.AreEqual(new double[] { 3, 40 }, g[0]!.ToArray<double>());
        CollectionAssert.AreEqual(new double[] { 1, 20 }, g[1]!.ToArray<double>());
        CollectionAssert.AreEqual(new double[] { 0 }, g[2]!.ToArray<double>());
        Assert.IsNull(a.grad, "autograd.grad must not touch .grad");
        CollectionAssert.AreEqual(new double[] { 0 }, SafeAutograd.Grad([(a * 2).sum()], [unused])[0].ToArray<double>());
    }

    [TestMethod]
    public void Checked_grad_refuses_in_managed_code_what_would_abort_libtorch()
    {
        using DisposeScope scope = NewDisposeScope();
        Tensor a = tensor(new double[] { 1, 2 }, requires_grad: true);
        Tensor constant = tensor(new double[] { 1, 2 });
        Tensor y = a * 3;
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => SafeAutograd.Grad([y.sum()], [constant])).Message, "does not require grad");
        StringAssert.Contains(Assert.ThrowsExactly<InvalidOperationException>(() => SafeAutograd.Grad([constant.sum()], [a])).Message, "does not depend");
        CollectionAssert.AreEqual(new double[] { 0, 0 }, SafeAutograd.Grad([constant.sum()], [a], allowUnused: true)[0].ToArray<double>());
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => SafeAutograd.Grad([y], [a])).Message, "not a scalar");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => SafeAutograd.Grad([y], [a], [ones(3, dtype: ScalarType.Float64)])).Message, "must match");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => SafeAutograd.Grad([y], [a], [ones(2, dtype: ScalarType.Float32)])).Message, "must match");
        Assert.ThrowsExactly<ArgumentException>(() => SafeAutograd.Grad([y, y], [a], [ones_like(y)]));
        Assert.IsEmpty(SafeAutograd.Grad([y.sum()], []));
    }

    [TestMethod]
    public void Create_graph_gives_second_derivatives()
    {
        using DisposeScope scope = NewDisposeScope();
        Tensor x = tensor(new double[] { 2 }, requires_grad: true);
        Tensor y = x.pow(3);
        Tensor dy = SafeAutograd.Grad([y], [x], createGraph: true)[0]!;
        Tensor d2y = SafeAutograd.Grad([dy], [x])[0]!;
        Assert.AreEqual(12.0, dy.ItemAs<double>(), 1e-12);
        Assert.AreEqual(12.0, d2y.ItemAs<double>(), 1e-12);
    }

    private static Tensor InputGrad(Func<Tensor, Tensor> f, Tensor x, Tensor seed)
    {
        Tensor leaf = x.detach().requires_grad_();
        Tensor y = f(leaf);
        return SafeAutograd.Grad([y], [leaf], [seed])[0]!;
    }

    [TestMethod]
    [DataRow(1, 0, 1, 1)]
    [DataRow(2, 1, 1, 1)]
    [DataRow(2, 2, 2, 2)]
    [DataRow(3, 0, 1, 4)]
    public void Conv2d_input_gradient_equals_autograd(int stride, int padding, int dilation, int groups)
    {
        using DisposeScope scope = NewDisposeScope();
        using var g = RandomGenerators.FromSeed(stride * 100 + padding * 10 + dilation + groups);
        Tensor x = randn([2, 4, 13, 11], ScalarType.Float64, generator: g);
        Tensor w = randn([8, 4 / groups, 3, 3], ScalarType.Float64, generator: g);
        Tensor b = randn([8], ScalarType.Float64, generator: g);
        long[] s = [stride], p = [padding], d = [dilation];
        Tensor y = F.conv2d(x, w, b, s, p, d, groups);
        Tensor seed = randn(y.shape, ScalarType.Float64, generator: g);
        Tensor expected = InputGrad(t => F.conv2d(t, w, b, s, p, d, groups), x, seed);
        AssertClose(expected, LayerGradients.Conv2dInput(seed, x.shape, w, s, p, d, groups), Exact, "conv2d input gradient");
        Tensor expectedWeight = InputGrad(v => F.conv2d(x, v, b, s, p, d, groups), w, seed);
        AssertClose(expectedWeight, LayerGradients.Conv2dWeight(seed, x, w.shape, w.dtype, s, p, d, groups), Exact, "conv2d weight gradient");
    }

    [TestMethod]
    [DataRow(7, 2, 3, 1, 29, 31, 3)] // ResNet's stem geometry
    [DataRow(3, 2, 0, 1, 12, 13, 3)]
    [DataRow(3, 2, 1, 3, 15, 10, 3)] // grouped
    [DataRow(5, 3, 2, 1, 17, 20, 3)]
    [DataRow(2, 2, 0, 1, 10, 11, 3)] // kernel = stride: every phase one tap
    [DataRow(2, 3, 1, 1, 14, 16, 3)] // kernel < stride: phases without taps get zeros
    [DataRow(4, 2, 3, 2, 9, 12, 3)]  // padding beyond the kernel's reach on one side
    // From 16 input channels: one convolution per phase (PolyphaseGradient.ApplySplit).
    [DataRow(3, 2, 1, 1, 28, 27, 16)] // ResNet's 3×3 stride-2 geometry, an odd width
    [DataRow(7, 2, 3, 1, 29, 31, 16)]
    [DataRow(3, 2, 1, 2, 15, 10, 8)]  // grouped: 16 input channels in all
    [DataRow(5, 3, 2, 1, 17, 20, 16)]
    [DataRow(2, 3, 1, 1, 14, 16, 16)] // phases without taps
    [DataRow(4, 2, 3, 2, 9, 12, 8)]
    [DataRow(3, 2, 0, 1, 3, 4, 16)]   // input smaller than the window
    public void Strided_convolution_input_gradient_by_phases_equals_autograd(int kernel, int stride, int padding, int groups, int height, int width, int inPerGroup)
    {
        using DisposeScope scope = NewDisposeScope();
        using var g = RandomGenerators.FromSeed(kernel * 1000 + stride * 100 + padding * 10 + groups + inPerGroup);
        Tensor x = randn([2, inPerGroup * groups, height, width], ScalarType.Float64, generator: g);
        Tensor w = randn([4 * groups, inPerGroup, kernel, kernel], ScalarType.Float64, generator: g);
        long[] s = [stride], p = [padding], d = [1];
        Tensor y = F.conv2d(x, w, null, s, p, d, groups);
        Tensor seed = randn(y.shape, ScalarType.Float64, generator: g);
        Tensor expected = InputGrad(t => F.conv2d(t, w, null, s, p, d, groups), x, seed);
        Assert.IsTrue(PolyphaseGradient.AppliesTo([stride, stride], [kernel, kernel], [1, 1]));
        AssertClose(expected, LayerGradients.Conv2dInput(seed, x.shape, w, s, p, d, groups), Exact, "by phases");
        Tensor kernels = LayerGradients.InputGradientKernels(w, s, p, d, groups)!;
        AssertClose(expected, LayerGradients.Conv2dInput(seed, x.shape, w, s, p, d, groups, kernels), Exact, "by phases, kernels made in advance");
        Tensor wrong = LayerGradients.InputGradientKernels(w, [1], p, d, groups)!;
        Assert.ThrowsExactly<ArgumentException>(() => LayerGradients.Conv2dInput(seed, x.shape, w, s, p, d, groups, wrong));
    }

    [TestMethod]
    [DataRow(2, 14, 14, 1)] // ResNet's downsampling shortcut
    [DataRow(2, 13, 11, 1)] // odd sizes: the last row and column get no gradient
    [DataRow(3, 17, 12, 2)]
    public void Strided_pointwise_input_gradient_equals_autograd_is_contiguous_and_differentiable(int stride, int height, int width, int groups)
    {
        using DisposeScope scope = NewDisposeScope();
        using var g = RandomGenerators.FromSeed(stride * 1000 + height * 10 + width);
        Tensor x = randn([2, 4, height, width], ScalarType.Float64, generator: g);
        Tensor w = randn([6, 4 / groups, 1, 1], ScalarType.Float64, generator: g);
        long[] s = [stride], p = [0], d = [1];
        Tensor seed = randn(F.conv2d(x, w, null, s, p, d, groups).shape, ScalarType.Float64, generator: g);
        Tensor expected = InputGrad(t => F.conv2d(t, w, null, s, p, d, groups), x, seed);
        Tensor actual = LayerGradients.Conv2dInput(seed, x.shape, w, s, p, d, groups);
        AssertClose(expected, actual, Exact, "1×1 strided input gradient");
        Assert.IsTrue(actual.is_contiguous(), "written into one contiguous tensor, not a strided view");
        // Differentiable in the seed (DMBP differentiates through backward passes): the adjoint of the transpose is the
        // convolution itself, so d⟨v, Conv2dInput(seed)⟩/d seed = conv2d(v).
        Tensor v = randn(x.shape, ScalarType.Float64, generator: g);
        Tensor adjoint = InputGrad(t => LayerGradients.Conv2dInput(t, x.shape, w, s, p, d, groups), seed, v);
        AssertClose(F.conv2d(v, w, null, s, p, d, groups), adjoint, Exact, "gradient through the 1×1 strided transpose");
    }

    [TestMethod]
    [DataRow(1, 1, 1, 1)]
    [DataRow(4, 1, 1, 1)]
    [DataRow(1, 4, 2, 1)]
    [DataRow(2, 2, 1, 1)]
    [DataRow(16, 3, 2, 1)]
    [DataRow(8, 1, 1, 8)]
    public void Float32_convolution_gradients_with_few_channels_are_exact_on_every_call(int outChannels, int inPerGroup, int stride, int groups)
    {
        // libtorch 2.10's own float32 input-gradient kernels return varying wrong values for 1–4 channels; ours must not.
        using DisposeScope scope = NewDisposeScope();
        using var g = RandomGenerators.FromSeed(outChannels * 100 + inPerGroup * 10 + stride);
        Tensor x = randn([8, inPerGroup * groups, 32, 30], ScalarType.Float64, generator: g);
        Tensor w = randn([outChannels, inPerGroup, 3, 3], ScalarType.Float64, generator: g);
        long[] s = [stride], p = [1], d = [1];
        Tensor seed = randn(F.conv2d(x, w, null, s, p, d, groups).shape, ScalarType.Float64, generator: g);
        Tensor inputGrad = InputGrad(t => F.conv2d(t, w, null, s, p, d, groups), x, seed);
        Tensor weightGrad = InputGrad(v => F.conv2d(x, v, null, s, p, d, groups), w, seed);
        Tensor x32 = x.to(ScalarType.Float32), w32 = w.to(ScalarType.Float32), seed32 = seed.to(ScalarType.Float32);
        for (int call = 0; call < 5; call++)
        {
            AssertClose(inputGrad, LayerGradients.Conv2dInput(seed32, x.shape, w32, s, p, d, groups).to(ScalarType.Float64), 1e-4 * Range(inputGrad), $"input gradient, call {call}");
            AssertClose(weightGrad, LayerGradients.Conv2dWeight(seed32, x32, w.shape, ScalarType.Float32, s, p, d, groups).to(ScalarType.Float64), 1e-4 * Range(weightGrad), $"weight gradient, call {call}");
        }
    }

    [TestMethod]
    [DataRow(3, 64, 1)]
    [DataRow(4, 1, 1)]
    [DataRow(1, 4, 2)]
    public void Checked_autograd_through_few_channel_float32_convolutions_is_exact(int outChannels, int inChannels, int stride)
    {
        // libtorch's oneDNN backward is wrong here; SafeAutograd switches oneDNN off around autograd.
        using DisposeScope scope = NewDisposeScope();
        using var g = RandomGenerators.FromSeed(outChannels * 10 + inChannels);
        Tensor w = randn([outChannels, inChannels, 3, 3], ScalarType.Float64, generator: g);
        Tensor x = randn([8, inChannels, 32, 32], ScalarType.Float64, generator: g);
        long[] s = [stride], p = [1];
        Tensor seed = randn(F.conv2d(x, w, null, s, p).shape, ScalarType.Float64, generator: g);
        Tensor expected = InputGrad(t => F.conv2d(t, w, null, s, p), x, seed);
        Tensor w32 = w.to(ScalarType.Float32), seed32 = seed.to(ScalarType.Float32);
        for (int call = 0; call < 4; call++)
        {
            Tensor leaf = x.to(ScalarType.Float32).requires_grad_();
            Tensor y = F.conv2d(leaf, w32, null, s, p);
            Tensor actual = SafeAutograd.Grad([y], [leaf], [seed32])[0].to(ScalarType.Float64);
            AssertClose(expected, actual, 1e-4 * Range(expected), $"call {call}");
        }
    }

    [TestMethod]
    [DataRow(3, 2, 1, false)]
    [DataRow(3, 2, 1, true)]
    [DataRow(2, 2, 0, true)]
    [DataRow(3, 1, 1, false)]
    public void Max_pool_input_gradient_equals_autograd(int kernel, int stride, int padding, bool ceil)
    {
        using DisposeScope scope = NewDisposeScope();
        using var g = RandomGenerators.FromSeed(kernel * 10 + stride);
        Tensor x = randn([2, 3, 11, 9], ScalarType.Float64, generator: g);
        long[] k = [kernel], s = [stride], p = [padding];
        var (y, indices) = F.max_pool2d_with_indices(x, k, s, p, null, ceil);
        AssertClose(F.max_pool2d(x, k, s, p, null, ceil), y, 0, "max_pool2d values");
        Tensor seed = randn(y.shape, ScalarType.Float64, generator: g);
        Tensor expected = InputGrad(t => F.max_pool2d(t, k, s, p, null, ceil), x, seed);
        AssertClose(expected, LayerGradients.MaxPool2dInput(seed, x.shape, indices), Exact, "max_pool2d backward");
    }

    [TestMethod]
    [DataRow(3, 2, 1, true, false)]
    [DataRow(3, 2, 1, false, false)]
    [DataRow(2, 2, 0, false, true)]
    public void Avg_pool_input_gradient_equals_autograd(int kernel, int stride, int padding, bool countIncludePad, bool ceil)
    {
        using DisposeScope scope = NewDisposeScope();
        using var g = RandomGenerators.FromSeed(kernel * 10 + stride);
        Tensor x = randn([2, 3, 11, 9], ScalarType.Float64, generator: g);
        long[] k = [kernel], s = [stride], p = [padding];
        Tensor y = F.avg_pool2d(x, k, s, p, ceil, countIncludePad);
        Tensor seed = randn(y.shape, ScalarType.Float64, generator: g);
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
        using var g = RandomGenerators.FromSeed(oh * 10 + ow);
        Tensor x = randn([2, 3, 11, 9], ScalarType.Float64, generator: g);
        Tensor y = F.adaptive_avg_pool2d(x, [oh, ow]);
        Tensor seed = randn(y.shape, ScalarType.Float64, generator: g);
        Tensor expected = InputGrad(t => F.adaptive_avg_pool2d(t, [oh, ow]), x, seed);
        AssertClose(expected, LayerGradients.AdaptiveAvgPool2dInput(seed, x.shape), Exact, "adaptive_avg_pool2d backward");
    }

    [TestMethod]
    public void Threshold_gradient_equals_autograd_of_relu_and_zeroes_nan_inputs()
    {
        using DisposeScope scope = NewDisposeScope();
        using var g = RandomGenerators.FromSeed(5);
        Tensor x = randn([3, 4, 5], ScalarType.Float64, generator: g);
        Tensor seed = randn([3, 4, 5], ScalarType.Float64, generator: g);
        AssertClose(InputGrad(t => t.relu(), x, seed), LayerGradients.Threshold(seed, x.relu(), 0), 0, "relu backward");
        Tensor withNan = tensor(new[] { double.NaN, 1, -1 });
        CollectionAssert.AreEqual(new double[] { 0, 1, 0 }, LayerGradients.Threshold(ones(3, dtype: ScalarType.Float64), withNan, 0).ToArray<double>());
    }

    [TestMethod]
    [DataRow(ScalarType.Float64)]
    [DataRow(ScalarType.Float32)]
    public void Relu_gate_from_the_output_equals_autograd_of_relu(ScalarType dtype)
    {
        using DisposeScope scope = NewDisposeScope();
        using var g = RandomGenerators.FromSeed(6);
        Tensor x = randn([2, 8, 9, 7], ScalarType.Float64, generator: g).to(dtype);
        x[0, 0, 0, 0] = tensor(0.0, dtype); // relu's gradient at 0 is 0 in libtorch
        Tensor seed = randn([2, 8, 9, 7], ScalarType.Float64, generator: g).to(dtype);
        AssertClose(InputGrad(t => t.relu(), x, seed), LayerGradients.ReluGate(seed, x.relu()), 0, "relu gate");
        // an output of another dtype than the seed takes the comparison path; the result keeps the seed's dtype
        Tensor otherOutput = x.relu().to(dtype == ScalarType.Float64 ? ScalarType.Float32 : ScalarType.Float64);
        Tensor gated = LayerGradients.ReluGate(seed, otherOutput);
        Assert.AreEqual(dtype, gated.dtype);
        AssertClose(InputGrad(t => t.relu(), x, seed), gated, 0, "relu gate, output of another dtype");
    }

    [TestMethod]
    public void Linear_input_gradient_equals_autograd()
    {
        using DisposeScope scope = NewDisposeScope();
        using var g = RandomGenerators.FromSeed(7);
        Tensor x = randn([5, 12], ScalarType.Float64, generator: g);
        Tensor w = randn([6, 12], ScalarType.Float64, generator: g);
        Tensor b = randn([6], ScalarType.Float64, generator: g);
        Tensor seed = randn([5, 6], ScalarType.Float64, generator: g);
        Tensor expected = InputGrad(t => F.linear(t, w, b), x, seed);
        AssertClose(expected, seed.matmul(w), Exact, "linear transpose");
    }
}
