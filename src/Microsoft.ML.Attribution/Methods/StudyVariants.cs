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
        new("lrp-z-plus", "lrp-z-plus", LrpOptions(), StudyFamily.Propagation, Published: true, PositiveOnly: true);

    /// <summary>The plain gradient, the aggregation family and the propagation family (no input bounds needed).</summary>
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
            new("clrp-lrp-pass", "clrp", Clrp(1), StudyFamily.Contrastive, Published: true, PositiveOnly: true, MapExtra: "target"),
            new("clrp-dual1", "clrp", Clrp(1), StudyFamily.Contrastive, Published: true, PositiveOnly: false),
            new("clrp-dual2", "clrp", Clrp(2), StudyFamily.Contrastive, Published: true, PositiveOnly: false),
        ];
    }

    /// <summary>Every variant: <see cref="PositiveStudy"/> then <see cref="Contrastive"/>.</summary>
    public static IReadOnlyList<StudyVariant> All(double low, double high) => [.. PositiveStudy, .. Contrastive(low, high)];

    // LRP maps are seeded with 1, not the logit: the least likely class has a negative logit, and a logit seed would
    // flip the sign of its whole map — an artefact of the seed, not of the rule the study is about.
    private static Dictionary<string, string> LrpOptions(double? epsilon = null)
    {
        var options = new Dictionary<string, string> { ["seed"] = "one" };
        if (epsilon is { } e) options["epsilon"] = e.ToString("R", CultureInfo.InvariantCulture);
        return options;
    }

    private static IEnumerable<StudyVariant> Baseline()
    {
        yield return new("gradient", "gradient", new Dictionary<string, string>(), StudyFamily.Baseline, Published: true, PositiveOnly: false);
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
        yield return new("lrp-alpha2-beta1", "lrp-alpha2-beta1", LrpOptions(), StudyFamily.Propagation, Published: true, PositiveOnly: false);
        yield return new("lrp-epsilon", "lrp-epsilon", LrpOptions(LrpEpsilon), StudyFamily.Propagation, Published: true, PositiveOnly: false);
        yield return new("lrp-0", "lrp-epsilon", LrpOptions(0), StudyFamily.Propagation, Published: true, PositiveOnly: false);
        yield return new("excitation-backprop", "excitation-backprop", none, StudyFamily.Propagation, Published: true, PositiveOnly: true);
    }

    private static StudyVariant WithGradients(string method, GradientHandling handling, StudyFamily family, bool published)
    {
        string value = OptionsBinder.Kebab(handling.ToString());
        return new($"{method}-{value}", method, new Dictionary<string, string> { ["gradients"] = value }, family, published,
            PositiveOnly: handling is GradientHandling.Positive or GradientHandling.Absolute);
    }
}
