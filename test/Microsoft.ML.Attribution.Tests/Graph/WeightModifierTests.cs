using Microsoft.ML.Attribution.Graph;
using TorchSharp;
using Microsoft.ML.Attribution.Tensors;
using static TorchSharp.torch;

namespace Microsoft.ML.Attribution.Tests.Graph;

/// <summary>LRP-type rules evaluate layers with modified weights (W⁺, W⁻, W + γW⁺, (−W)⁺): the modifiers themselves.</summary>
[TestClass]
public sealed class WeightModifierTests : TorchTest
{
    [TestMethod]
    public void Modifiers_compute_what_their_names_say()
    {
        using DisposeScope scope = NewDisposeScope();
        Tensor w = tensor(new float[] { -2, -0.5f, 0, 1, 3 });
        AssertClose(tensor(new float[] { 0, 0, 0, 1, 3 }), WeightModifier.Positive.Apply(w), 0, "W⁺");
        AssertClose(tensor(new float[] { -2, -0.5f, 0, 0, 0 }), WeightModifier.Negative.Apply(w), 0, "W⁻");
        AssertClose(tensor(new float[] { 2, 0.5f, 0, 0, 0 }), WeightModifier.Negated.Then(WeightModifier.Positive).Apply(w), 0, "(−W)⁺");
        AssertClose(tensor(new float[] { -2, -0.5f, 0, 1.25f, 3.75f }), WeightModifier.Gamma(0.25, positive: true).Apply(w), 1e-7, "W + γW⁺");
        AssertClose(tensor(new float[] { -2.5f, -0.625f, 0, 1, 3 }), WeightModifier.Gamma(0.25, positive: false).Apply(w), 1e-7, "W + γW⁻");
        Assert.AreEqual("negated>positive", WeightModifier.Negated.Then(WeightModifier.Positive).Key);
        Assert.AreNotEqual(WeightModifier.Gamma(0.25, true).Key, WeightModifier.Gamma(0.5, true).Key, "γ is part of the name");
        Assert.ThrowsExactly<ArgumentException>(() => new WeightModifier("", t => t));
    }
}
