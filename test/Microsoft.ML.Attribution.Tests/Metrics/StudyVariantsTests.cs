using Microsoft.ML.Attribution.Graph;
using Microsoft.ML.Attribution.Graph.Layers;
using Microsoft.ML.Attribution.Methods;
using Microsoft.ML.Attribution.Metrics;
using Microsoft.ML.Attribution.Tests.Methods;
using TorchSharp;
using Microsoft.ML.Attribution.Tensors;
using static TorchSharp.torch;

namespace Microsoft.ML.Attribution.Tests.Metrics;

/// <summary>Every §4.2 configuration is reachable by registry name + options and behaves as its switch says.</summary>
[TestClass]
public sealed class StudyVariantsTests : TorchTest
{
    [TestMethod]
    public void Every_variant_is_a_registry_configuration_that_runs()
    {
        using DisposeScope scope = NewDisposeScope();
        using var peer = new PeerReference();
        Tensor inputs = peer.Inputs.narrow(0, 0, 1);
        var variants = StudyVariants.All(-4.4, 4.6);
        CollectionAssert.AllItemsAreUnique(variants.Select(v => v.Name).ToArray());
        foreach (StudyVariant variant in variants)
        {
            Assert.IsTrue(MethodRegistry.Contains(variant.Method), variant.Name);
            using IAttributionMethod method = variant.Create(peer.Network);
            // LRP and CLRP canonize the network lazily inside the first call: a second call must still find it alive.
            int calls = variant.Method.StartsWith("lrp", StringComparison.Ordinal) || variant.Method == "clrp" ? 2 : 1;
            for (int call = 0; call < calls; call++)
            {
                using AttributionMap result = method.Attribute(inputs, Target.PerRow([1]));
                using Tensor map = variant.MapOf(result);
                Assert.AreEqual(64L, map.shape[^1], variant.Name);
                Assert.IsTrue(map.isfinite().all().ItemAs<bool>(), $"{variant.Name}: finite map (call {call + 1})");
            }
        }
    }

    [TestMethod]
    public void The_gradient_switch_reaches_each_method()
    {
        foreach (string method in new[] { "gradcam", "gradcam-plus-plus", "fullgrad", "guided-backprop" })
        {
            var names = StudyVariants.PositiveStudy.Where(v => v.Method == method).Select(v => v.Options["gradients"]).Order().ToArray();
            CollectionAssert.AreEqual(new[] { "absolute", "negative", "positive", "signed" }, names, method);
        }
        Assert.AreEqual("gradcam gradients=signed", StudyVariants.PositiveStudy.Single(v => v.Name == "gradcam-signed").Configuration);
        Assert.IsTrue(StudyVariants.PositiveStudy.Single(v => v.Name == "gradcam-plus-plus-positive").Published);
        Assert.IsTrue(StudyVariants.PositiveStudy.Single(v => v.Name == "fullgrad-absolute").Published);
        Assert.IsTrue(StudyVariants.PositiveStudy.Single(v => v.Name == "guided-backprop-positive").Published);
        Assert.AreEqual("lrp-epsilon epsilon=0 seed=logit", StudyVariants.PositiveStudy.Single(v => v.Name == "lrp-0").Configuration);
    }

    [TestMethod]
    public void Guided_backprop_signed_is_the_gradient_and_positive_is_the_published_rule()
    {
        using DisposeScope scope = NewDisposeScope();
        using var peer = new PeerReference();
        Target target = Target.PerRow(peer.Targets);
        using var gradient = new Gradient(peer.Network);
        using var published = new GuidedBackprop(peer.Network);
        using IAttributionMethod signed = MethodRegistry.Create("guided-backprop", peer.Network, new Dictionary<string, string> { ["gradients"] = "signed" });
        using IAttributionMethod positive = MethodRegistry.Create("guided-backprop", peer.Network, new Dictionary<string, string> { ["gradients"] = "positive" });
        using AttributionMap g = gradient.Attribute(peer.Inputs, target), p = published.Attribute(peer.Inputs, target);
        using AttributionMap s = signed.Attribute(peer.Inputs, target), q = positive.Attribute(peer.Inputs, target);
        AssertClose(g.Map, s.Map, 0, "φ = signed passes the gradient through the gate unchanged");
        AssertClose(p.Map, q.Map, 0, "φ = positive is the published rule");
    }

    [TestMethod]
    public void Guided_relu_rule_applies_phi_to_the_gated_gradient()
    {
        using DisposeScope scope = NewDisposeScope();
        var relu = new Relu("r", "x", "y");
        Tensor x = tensor(new double[] { -1, 2, 3, 0.5 }).reshape(1, 4);
        Tensor g = tensor(new double[] { 5, -2, 4, -1 }).reshape(1, 4);
        var trace = new LayerTrace(relu) { Inputs = [x], Output = relu.Forward([x], null) };
        double[] Backward(GradientHandling handling) => new Microsoft.ML.Attribution.Rules.GuidedReluRule(handling).Backward(trace, g)[0].ToArray<double>();
        CollectionAssert.AreEqual(new double[] { 0, 0, 4, 0 }, Backward(GradientHandling.Positive));
        CollectionAssert.AreEqual(new double[] { 0, -2, 4, -1 }, Backward(GradientHandling.Signed));
        CollectionAssert.AreEqual(new double[] { 0, -2, 0, -1 }, Backward(GradientHandling.Negative));
        CollectionAssert.AreEqual(new double[] { 0, 2, 4, 1 }, Backward(GradientHandling.Absolute));
    }

    [TestMethod]
    public void Lrp_0_by_registry_is_finite_and_equals_gradient_times_input()
    {
        using DisposeScope scope = NewDisposeScope();
        using var peer = new PeerReference();
        StudyVariant lrp0 = StudyVariants.PositiveStudy.Single(v => v.Name == "lrp-0");
        Target target = Target.PerRow(peer.Targets);
        using IAttributionMethod lrp = lrp0.Create(peer.Network);
        using var gxi = new GradientTimesInput(peer.Network);
        using AttributionMap r = lrp.Attribute(peer.Inputs, target), e = gxi.Attribute(peer.Inputs, target);
        Assert.IsTrue(r.Map.isfinite().all().ItemAs<bool>(), "ε = 0 divides safely");
        double scale = e.Map.abs().max().ItemAs<float>();
        AssertClose(e.Map, r.Map, 1e-4 * scale, "LRP-0 (logit seed) = x ⊙ ∇f_t");
    }
}
