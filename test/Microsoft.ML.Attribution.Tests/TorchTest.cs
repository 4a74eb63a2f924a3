using TorchSharp;
using Microsoft.ML.Attribution.Tensors;
using static TorchSharp.torch;

namespace Microsoft.ML.Attribution.Tests;

/// <summary>
/// Base for tests that create tensors: every test must leave TorchSharp's process-wide live-tensor count (Tensor.TotalCount,
/// incremented by every tensor created and decremented by its Dispose) where it found it. DisposeScopeManager.Statistics'
/// per-thread count is not used: it drifts (+7 over the CLI's sanity run) while the process-wide count returns to zero.
/// Tensors a layer derives on first use and keeps (<see cref="Microsoft.ML.Attribution.Graph.Layers.DerivedTensorCache"/>) are not leaks of the test
/// that happened to run the first backward on a shared network: they are counted apart, and freed with their network.
/// </summary>
public abstract class TorchTest
{
    private long _liveAtStart;

    public TestContext TestContext { get; set; } = null!;

    [TestInitialize]
    public void RecordLiveTensors()
    {
        // Earlier tests' unreachable tensors are finalized now, not in the middle of this test's count.
        CollectGarbage();
        _liveAtStart = LiveTensors;
    }

    [TestCleanup]
    public void AssertNoLeakedTensors()
    {
        if (TestContext.CurrentTestOutcome != UnitTestOutcome.Passed) return;
        long beforeCollecting = LiveTensors;
        CollectGarbage();
        Assert.AreEqual(_liveAtStart, LiveTensors, "tensors leaked by this test");
        // A tensor only the finalizer frees (an undisposed handle, e.g. the second handle TorchSharp's zero_() returns)
        // holds native memory until some later GC: the count must be back before collecting, too.
        Assert.AreEqual(_liveAtStart, beforeCollecting, "tensors left to the finalizer by this test");
    }

    private static void CollectGarbage()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
    }

    /// <summary>Live tensors other than the layers' derived caches.</summary>
    protected static long LiveTensors => Tensor.TotalCount - Microsoft.ML.Attribution.Graph.Layers.DerivedTensorCache.Live;

    protected static string FixturePath(params string[] parts) =>
        Path.Combine(new[] { AppContext.BaseDirectory, "fixtures" }.Concat(parts).ToArray());

    /// <summary>Max |a − b| over all elements (both converted to float64).</summary>
    protected static double MaxAbsDiff(Tensor a, Tensor b)
    {
        using DisposeScope scope = NewDisposeScope();
        Tensor diff = AbsDiff(a, b);
        return diff.numel() == 0 ? 0 : diff.max().ItemAs<double>();
    }

    /// <summary>|a − b| in float64, after checking that <paramref name="a"/> has the shape of <paramref name="b"/>.</summary>
    private static Tensor AbsDiff(Tensor a, Tensor b)
    {
        CollectionAssert.AreEqual(b.shape, a.shape, $"shape {Shape(a)} differs from expected {Shape(b)}");
        return (a.to(ScalarType.Float64) - b.to(ScalarType.Float64)).abs();
    }

    protected static void AssertClose(Tensor expected, Tensor actual, double tolerance, string what)
    {
        double diff = MaxAbsDiff(actual, expected);
        Assert.IsLessThanOrEqualTo(tolerance, diff, $"{what}: max abs diff {diff:E3} > {tolerance:E1}");
    }

    /// <summary>
    /// For gradients of a piecewise-linear network taken at many points (IG's path, SmoothGrad's samples, a batch against
    /// single rows) in float32: a point within rounding of a ReLU or max-pool boundary takes one side or the other depending
    /// on which convolution kernel the CPU runs, and that point's gradient then changes over the unit's receptive field.
    /// So: all but <paramref name="flippedFraction"/> of the elements within <paramref name="tolerance"/>, and every element
    /// within <paramref name="flippedTolerance"/> (measured on an AMD EPYC against Captum's float32 maps: IG-32 0.64 % of the
    /// elements beyond 1e-4 relative, max 3.3e-3; SmoothGrad-16 0.2 %, max 1.6e-3 — one flip in one sample).
    /// </summary>
    protected static void AssertCloseUpToGateFlips(Tensor expected, Tensor actual, double tolerance, double flippedTolerance, string what,
        double flippedFraction = 0.01)
    {
        using DisposeScope scope = NewDisposeScope();
        Tensor diff = AbsDiff(actual, expected);
        double max = diff.max().ItemAs<double>();
        double beyond = diff.gt(tolerance).sum().ItemAs<long>() / (double)Math.Max(1, diff.numel());
        Assert.IsLessThanOrEqualTo(flippedTolerance, max, $"{what}: max abs diff {max:E3} > {flippedTolerance:E1}");
        Assert.IsLessThanOrEqualTo(flippedFraction, beyond, $"{what}: {beyond:P2} of the elements differ by more than {tolerance:E1}");
    }

    /// <summary>max − min of a tensor (at least 1e-6): the scale relative tolerances are taken against.</summary>
    protected static double Range(Tensor t)
    {
        using DisposeScope scope = NewDisposeScope();
        return Math.Max((t.max() - t.min()).ItemAs<double>(), 1e-6);
    }

    protected static string Shape(Tensor t) => "[" + string.Join(",", t.shape) + "]";
}
