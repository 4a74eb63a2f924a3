using System.Diagnostics;
using TorchSharp;
using Microsoft.ML.Attribution.Tensors;
using static TorchSharp.torch;

namespace Microsoft.ML.Attribution.Tests.Tensors;

[TestClass]
public sealed class DisposeScopeTests : TorchTest
{
    [TestMethod]
    public void Scope_disposes_everything_created_inside()
    {
        long before = Tensor.TotalCount;
        using (DisposeScope scope = NewDisposeScope())
        {
            using Tensor a = ones(3); // explicit dispose inside a scope is fine too
            Tensor b = a * 2;
            Tensor c = b.sum();
            Assert.AreEqual(before + 3, Tensor.TotalCount);
            Assert.AreEqual(3, scope.DisposablesCount);
        }
        Assert.AreEqual(before, Tensor.TotalCount);
    }

    [TestMethod]
    public void MoveToOuter_returns_results_from_nested_scopes()
    {
        using DisposeScope outer = NewDisposeScope();
        Tensor result;
        using (NewDisposeScope())
        {
            Tensor t = arange(5.0);
            result = (t * t).sum().MoveToOuterDisposeScope();
        }
        Assert.IsFalse(result.IsInvalid);
        Assert.AreEqual(30L, result.ItemAs<long>());
        Assert.AreEqual(1, outer.DisposablesCount);
    }

    [TestMethod]
    public void WrappedTensorDisposeScope_keeps_only_the_result()
    {
        long before = Tensor.TotalCount;
        using Tensor r = WrappedTensorDisposeScope(() => (ones(4) + ones(4)).mean());
        Assert.AreEqual(before + 1, Tensor.TotalCount);
        Assert.AreEqual(2.0, r.ItemAs<double>(), 0.0);
    }

    [TestMethod]
    public void DisposeEverythingBut_and_detach()
    {
        using DisposeScope scope = NewDisposeScope();
        Tensor keep = ones(2);
        Tensor drop = zeros(2);
        Tensor mine = ones(1).DetachFromDisposeScope();
        scope.DisposeEverythingBut(keep);
        Assert.IsFalse(keep.IsInvalid);
        Assert.IsTrue(drop.IsInvalid);
        Assert.IsFalse(mine.IsInvalid);
        mine.Dispose();
    }

    [TestMethod]
    public void Scopes_disposed_out_of_order_do_not_leak()
    {
        long before = Tensor.TotalCount;
        DisposeScope outer = NewDisposeScope();
        DisposeScope inner = NewDisposeScope();
        Tensor a = ones(2);
        outer.Dispose();
        Tensor b = ones(2); // still owned by the open inner scope
        inner.Dispose();
        Assert.IsTrue(a.IsInvalid && b.IsInvalid);
        Assert.AreEqual(before, Tensor.TotalCount);
        using Tensor c = ones(1); // no scope is current any more
        Assert.AreEqual(before + 1, Tensor.TotalCount);
    }

    [TestMethod]
    public void Hundred_thousand_ops_in_scopes_leave_nothing_behind()
    {
        long before = Tensor.TotalCount;
        using Tensor x = rand(8);
        void Run(int scopes)
        {
            for (int i = 0; i < scopes; i++)
            {
                using DisposeScope scope = NewDisposeScope();
                for (int j = 0; j < 100; j++)
                {
                    Tensor y = (x * 1.5 + 1.0).relu();
                    y.sum();
                }
            }
        }
        Run(1000); // warm-up: JIT, allocator pools and the GC heap reach their working size
        GC.Collect();
        long rssBefore = Process.GetCurrentProcess().WorkingSet64;
        Run(1000);
        Assert.AreEqual(before + 1, Tensor.TotalCount, "live tensors after the loop");
        GC.Collect();
        long growth = Process.GetCurrentProcess().WorkingSet64 - rssBefore;
        TestContext.WriteLine($"RSS growth over 100k ops: {growth / 1024.0 / 1024:F1} MB");
        Assert.IsLessThan(50L * 1024 * 1024, growth, $"RSS grew by {growth / 1024 / 1024} MB");
    }
}
