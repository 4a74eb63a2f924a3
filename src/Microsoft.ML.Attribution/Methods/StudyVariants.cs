using System.Globalization;

namespace Microsoft.ML.Attribution.Methods;

/// <summary>
/// Every configuration of methods.md §4.2 as a registry name plus options: the φ switch (signed, positive, negative,
/// absolute) on Grad-CAM, Grad-CAM++, FullGrad and Guided BP; RectGrad and RectGrad-Abs; the LRP rule choices z⁺ (α1β0),
/// α2β1, ε and LRP-0; Excitation BP; and, for claim 16, CLRP with the LRP pass it subtracts from.
/// </summary>
public static class StudyVariants
{
    private static readonly GradientHandling[] s_handlings =
        [GradientHandling.Signed, GradientHandling.Positive, GradientHandling.Negative, GradientHandling.Absolute];

    /// <summary>ε of the "lrp-epsilon" variant: large enough to differ visibly from LRP-0 on logits of order 10.</summary>
    public const double LrpEpsilon = 0.25;

    private static readonly StudyVariant s_lrpZPlus =
        new("lrp-z-plus", "lrp-z-plus", SeedOne(), StudyFamily.Propagation, Published: true, PositiveOnly: true);

    /// <summary>The baselines (gradient, gradient × input), the aggregation family and the propagation family (no input bounds needed).</summary>
    public static IReadOnlyList<StudyVariant> PositiveStudy { get; } = [.. Baseline(), .. Aggregation(), .. Propagation()];

    /// <summary>
    /// CLRP with both dual concepts and CLRP's own LRP pass (z^B first layer, bias-free z⁺; the map CLRP subtracts the
    /// dual from), to set against "lrp-z-plus" for claim 16. z^B needs the lowest and highest value an input pixel can
    /// take after preprocessing.
    /// </summary>
    public static IReadOnlyList<StudyVariant> Contrastive(double low, double high)
    {
        if (!(low < high)) throw new ArgumentException($"The input bounds must satisfy low < high, got [{low}, {high}].");
        string l = low.ToString("R", CultureInfo.InvariantCulture), h = high.ToString("R", CultureInfo.InvariantCulture);
        Dictionary<string, string> Clrp(int dual) => new() { ["dual"] = dual.ToString(CultureInfo.InvariantCulture), ["low"] = l, ["high"] = h };
        return
        [
            // CLRP's target pass is seeded with the logit; divided by its total as CLRP itself does, so the least likely
            // class's (negative-logit) map is not compared flipped.
            new("clrp-lrp-pass", "clrp", Clrp(1), StudyFamily.Contrastive, Published: true, PositiveOnly: true, MapExtra: "target", DivideByTotal: true),
            new("clrp-dual1", "clrp", Clrp(1), StudyFamily.Contrastive, Published: true, PositiveOnly: false),
            new("clrp-dual2", "clrp", Clrp(2), StudyFamily.Contrastive, Published: true, PositiveOnly: false),
        ];
    }

    /// <summary>Every variant: <see cref="PositiveStudy"/> then <see cref="Contrastive"/>.</summary>
    public static IReadOnlyList<StudyVariant> All(double low, double high) => [.. PositiveStudy, .. Contrastive(low, high)];

    // The seed's sign must not decide the comparison. z⁺ and α2β1 normalize by the positive and negative parts
    // separately, so their map is seed × a distribution: seeded with 1, or the least likely class's negative logit
    // would flip its whole map. ε and LRP-0 divide by the signed z, so their map is (seed / f_t) · x ⊙ ∇f_t: seeded
    // with the logit (LRP's convention) LRP-0 is gradient × input (§8 item 4); seeded with 1 it would flip instead.
    private static Dictionary<string, string> SeedOne() => new() { ["seed"] = "one" };

    private static Dictionary<string, string> LogitSeeded(double epsilon) =>
        new() { ["seed"] = "logit", ["epsilon"] = epsilon.ToString("R", CultureInfo.InvariantCulture) };

    private static IEnumerable<StudyVariant> Baseline()
    {
        yield return new("gradient", "gradient", new Dictionary<string, string>(), StudyFamily.Baseline, Published: true, PositiveOnly: false);
        // RectGrad and the LRP rules multiply by the input in effect (LRP-0 = gradient × input); this separates that from the rule.
        yield return new("gradient-x-input", "gradient-x-input", new Dictionary<string, string>(), StudyFamily.Baseline, Published: true, PositiveOnly: false);
    }

    private static IEnumerable<StudyVariant> Aggregation()
    {
        // Published: Grad-CAM signed, Grad-CAM++ positive, FullGrad absolute (methods.md §4.2).
        foreach (var (method, published) in new[] { ("gradcam", GradientHandling.Signed), ("gradcam-plus-plus", GradientHandling.Positive), ("fullgrad", GradientHandling.Absolute) })
            foreach (GradientHandling handling in s_handlings)
                yield return WithGradients(method, handling, StudyFamily.Aggregation, handling == published);
    }

    private static IEnumerable<StudyVariant> Propagation()
    {
        foreach (GradientHandling handling in s_handlings)
            yield return WithGradients("guided-backprop", handling, StudyFamily.Propagation, handling == GradientHandling.Positive);
        var none = new Dictionary<string, string>();
        yield return new("rectgrad", "rectgrad", none, StudyFamily.Propagation, Published: true, PositiveOnly: true);
        yield return new("rectgrad-abs", "rectgrad-abs", none, StudyFamily.Propagation, Published: false, PositiveOnly: false);
        yield return s_lrpZPlus;
        yield return new("lrp-alpha2-beta1", "lrp-alpha2-beta1", SeedOne(), StudyFamily.Propagation, Published: true, PositiveOnly: false);
        yield return new("lrp-epsilon", "lrp-epsilon", LogitSeeded(LrpEpsilon), StudyFamily.Propagation, Published: true, PositiveOnly: false);
        yield return new("lrp-0", "lrp-epsilon", LogitSeeded(0), StudyFamily.Propagation, Published: true, PositiveOnly: false);
        yield return new("excitation-backprop", "excitation-backprop", none, StudyFamily.Propagation, Published: true, PositiveOnly: true);
    }

    private static StudyVariant WithGradients(string method, GradientHandling handling, StudyFamily family, bool published)
    {
        string value = OptionsBinder.Kebab(handling.ToString());
        return new($"{method}-{value}", method, new Dictionary<string, string> { ["gradients"] = value }, family, published,
            PositiveOnly: handling is GradientHandling.Positive or GradientHandling.Absolute);
    }
}
