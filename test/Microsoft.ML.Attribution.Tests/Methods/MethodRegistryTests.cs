using Microsoft.ML.Attribution.Maps;
using Microsoft.ML.Attribution.Methods;
using TorchSharp;
using Microsoft.ML.Attribution.Tensors;
using static TorchSharp.torch;

namespace Microsoft.ML.Attribution.Tests.Methods;

[TestClass]
public sealed class MethodRegistryTests : TorchTest
{
    [TestMethod]
    public void Every_registered_method_runs_on_a_batch_with_per_row_targets()
    {
        using DisposeScope scope = NewDisposeScope();
        var (network, input) = MethodFixtures.Float64("tiny_resnet_opset13");
        using (network)
        {
            // Small work sizes so every method runs quickly; defaults are exercised by each method's own tests.
            var fast = new Dictionary<string, Dictionary<string, string>>
            {
                ["integrated-gradients"] = new() { ["steps"] = "4" },
                ["smoothgrad"] = new() { ["samples"] = "3" },
                ["smoothgrad-squared"] = new() { ["samples"] = "3" },
                ["vargrad"] = new() { ["samples"] = "3" },
                ["rise"] = new() { ["mask-count"] = "40" },
                ["dmbp"] = new() { ["iterations"] = "3" },
            };
            foreach (string name in MethodRegistry.Names)
            {
                var options = fast.GetValueOrDefault(name) ?? new Dictionary<string, string>();
                using IAttributionMethod method = MethodRegistry.Create(name, network, options);
                using AttributionMap map = method.Attribute(input, Target.PerRow([1, 2, 3]));
                CollectionAssert.AreEqual(new long[] { 1, 2, 3 }, map.Targets, name);
                Assert.AreEqual(input.shape[0], map.Map.shape[0], name);
                Assert.IsTrue(map.Map.isfinite().all().ItemAs<bool>(), $"{name}: finite map");
            }
        }
    }

    [TestMethod]
    public void Options_bind_by_kebab_case_and_errors_name_the_problem()
    {
        var options = OptionsBinder.Bind(new IntegratedGradientsOptions(), new Dictionary<string, string>
        {
            ["steps"] = "12", ["quadrature"] = "riemann-middle", ["memory-budget-mb"] = "64", ["target-completeness"] = "0.02",
        });
        Assert.AreEqual(12, options.Steps);
        Assert.AreEqual(Quadrature.RiemannMiddle, options.Quadrature);
        Assert.AreEqual(64L, options.MemoryBudgetMb);
        Assert.AreEqual(0.02, options.TargetCompleteness);
        var lrp = OptionsBinder.Bind(new LrpOptions(), new Dictionary<string, string> { ["low"] = "-1,-2,-3", ["seed"] = "one" });
        CollectionAssert.AreEqual(new[] { -1.0, -2.0, -3.0 }, lrp.Low);
        Assert.AreEqual(SeedKind.One, lrp.Seed);

        var unknown = Assert.ThrowsExactly<ArgumentException>(() => OptionsBinder.Bind(new IntegratedGradientsOptions(), new Dictionary<string, string> { ["stepz"] = "3" }));
        StringAssert.Contains(unknown.Message, "stepz");
        StringAssert.Contains(unknown.Message, "steps");
        var bad = Assert.ThrowsExactly<ArgumentException>(() => OptionsBinder.Bind(new IntegratedGradientsOptions(), new Dictionary<string, string> { ["quadrature"] = "simpson" }));
        StringAssert.Contains(bad.Message, "gauss-legendre");
    }

    [TestMethod]
    public void Unknown_method_names_list_the_known_ones()
    {
        using Microsoft.ML.Attribution.Graph.Network network = MethodFixtures.WithoutRelu(1);
        var e = Assert.ThrowsExactly<ArgumentException>(() => MethodRegistry.Create("saliency-magic", network));
        StringAssert.Contains(e.Message, "saliency-magic");
        StringAssert.Contains(e.Message, "integrated-gradients");
    }

    [TestMethod]
    public void Channel_reductions_follow_their_definitions()
    {
        using DisposeScope scope = NewDisposeScope();
        Tensor map = tensor(new double[] { 1, -3, 2, 4, -1, 0, 0, 0 }, [1, 2, 2, 2]);
        CollectionAssert.AreEqual(new double[] { 0, -3, 2, 4 }, MapReduction.Reduce(map, ChannelReduction.Sum).ToArray<double>());
        CollectionAssert.AreEqual(new double[] { 2, 3, 2, 4 }, MapReduction.Reduce(map, ChannelReduction.AbsSum).ToArray<double>());
        CollectionAssert.AreEqual(new double[] { 1, 3, 2, 4 }, MapReduction.Reduce(map, ChannelReduction.MaxAbs).ToArray<double>());
        CollectionAssert.AreEqual(new double[] { 0, -1.5, 1, 2 }, MapReduction.Reduce(map, ChannelReduction.Mean).ToArray<double>());
        CollectionAssert.AreEqual(new double[] { 0, 0, 2, 4 }, MapReduction.Reduce(map, ChannelReduction.PositiveSum).ToArray<double>());
        CollectionAssert.AreEqual(new double[] { Math.Sqrt(2), 3, 2, 4 }, MapReduction.Reduce(map, ChannelReduction.L2).ToArray<double>());
        Assert.ThrowsExactly<ArgumentException>(() => MapReduction.Reduce(zeros(2, 2), ChannelReduction.Sum));
    }
}
