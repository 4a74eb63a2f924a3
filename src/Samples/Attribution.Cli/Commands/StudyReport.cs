using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.ML.Attribution.Methods;
using Microsoft.ML.Attribution.Metrics;
using Spectre.Console;

namespace Attribution.Cli.Commands;

/// <summary>
/// What `attribution study` measured, rendered as the console table, the Markdown report (with the §8 claims checked
/// against the numbers, whichever way they come out) and JSON.
/// </summary>
internal sealed record StudyReport(
    string Command,
    string Model,
    string Input,
    int Images,
    double Low,
    double High,
    IReadOnlyList<StudyVariant> Variants,
    ClassSensitivityStudyOptions ClassOptions,
    CascadingRandomizationOptions Randomization,
    IReadOnlyList<IReadOnlyList<string>> Blocks,
    IReadOnlyList<ClassSensitivityResult> Classes,
    IReadOnlyList<RandomizationCurve> Curves,
    double Seconds,
    string? Note = null)
{
    private static readonly CultureInfo s_invariant = CultureInfo.InvariantCulture;

    // The comparisons of methods.md §8: (claim, the configuration expected to be MORE similar, the one expected LESS).
    private static readonly (int claim, string higher, string lower)[] s_classClaims =
    [
        (16, "lrp-z-plus", "clrp-dual1"), (16, "lrp-z-plus", "clrp-dual2"), (16, "clrp-lrp-pass", "clrp-dual1"), (16, "clrp-lrp-pass", "clrp-dual2"),
        (17, "guided-backprop-positive", "gradient"), (17, "guided-backprop-positive", "gradcam-signed"),
        (17, "lrp-z-plus", "gradient"), (17, "lrp-z-plus", "gradcam-signed"),
        (17, "rectgrad", "gradient"), (17, "rectgrad", "gradcam-signed"),
        (17, "excitation-backprop", "gradient"), (17, "excitation-backprop", "gradcam-signed"),
        (18, "gradcam-plus-plus-positive", "gradcam-plus-plus-signed"), (18, "fullgrad-absolute", "fullgrad-signed"),
    ];

    private static readonly string[] s_stayHigh =
        ["guided-backprop-positive", "fullgrad-absolute", "gradcam-plus-plus-positive", "lrp-z-plus", "rectgrad"];

    public Table ConsoleTable()
    {
        var table = new Table().AddColumns("configuration", "Spearman", "Spearman |·|", "SSIM", "HOG", "rand. top: Spearman", "rand. all: Spearman");
        foreach (ClassSensitivityResult c in Classes)
        {
            RandomizationCurve? curve = Curve(c.Variant);
            table.AddRow(c.Variant, F(c.Mean.Spearman), F(c.Mean.SpearmanAbsolute), F(c.Mean.Ssim), F(c.Mean.HogPearson),
                F(curve?.AfterTopBlock.Mean.Spearman), F(curve?.AfterAllBlocks.Mean.Spearman));
        }
        return table;
    }

    public string ToMarkdown()
    {
        var md = new StringBuilder();
        SimilarityOptions s = ClassOptions.Similarity;
        md.AppendLine($"# Positive aggregation/propagation study: `{Path.GetFileName(Model)}`").AppendLine();
        md.AppendLine("Generated from the repository root by").AppendLine();
        md.AppendLine("```").AppendLine($"dotnet run -c Release --project src/Samples/Attribution.Cli -- {Command["attribution ".Length..]}").AppendLine("```").AppendLine();
        md.AppendLine("Spec: `methods.md` §4.2–4.3 and §8 claims 16–19. " +
            "Tests asserting the direction of each claim: `test/Microsoft.ML.Attribution.Tests/Metrics/StudyClaimsTests.cs`.").AppendLine();
        md.AppendLine("Setup:").AppendLine();
        md.AppendLine($"- model `{Model}`, {Images} images from `{Input}`, pixel range [{F(Low)}, {F(High)}] (CLRP's z^B bounds);");
        md.AppendLine($"- top-1 classes {string.Join(", ", Classes.FirstOrDefault()?.TopClasses ?? [])}; contrast = " +
            $"{(ClassOptions.Contrast == ClassContrast.MinLogit ? "least likely (min-logit) class" : "a random other class")}: " +
            $"{string.Join(", ", Classes.FirstOrDefault()?.ContrastClasses ?? [])};");
        md.AppendLine($"- maps reduced over channels by {ClassOptions.Reduction.ToString().ToLowerInvariant()} (signed), divided by max |value|; " +
            $"SSIM window {s.SsimWindowSize}, data range {F(s.SsimDataRange)}; HOG {s.Hog.Orientations} orientations, " +
            $"{s.Hog.PixelsPerCell.Rows}×{s.Hog.PixelsPerCell.Columns}-pixel cells, {s.Hog.CellsPerBlock.Rows}×{s.Hog.CellsPerBlock.Columns}-cell blocks;");
        md.AppendLine($"- randomization: weights{(Randomization.BiasesToo ? " and biases" : "")} ~ N(0, {F(Randomization.Sigma)}²), seed {Randomization.Seed} + layer index, " +
            $"target {(Randomization.ReevaluateTarget ? "re-evaluated on each randomized model" : "fixed to the original top-1")}; " +
            $"blocks from the output: {string.Join(", ", Blocks.Select(b => string.Join("+", b)))};");
        md.AppendLine("- seeds: z⁺ and α2β1 with 1 (their map is seed × a distribution, so the least likely class's negative logit would " +
            "flip it), ε and LRP-0 with the logit (their map is seed/f_t · x⊙∇f_t: LRP-0 = gradient × input); CLRP's own LRP pass is " +
            $"divided by its total as CLRP does; ε of lrp-epsilon = {F(StudyVariants.LrpEpsilon)};");
        md.AppendLine($"- {Seconds:F0} s on {TorchSharp.torch.get_num_threads()} threads.").AppendLine();
        if (Note is { Length: > 0 }) md.AppendLine(Note).AppendLine();
        md.AppendLine("Similarities are means over the images. High = the map ignores the class (claims 16–18) or the weights (claim 19). " +
            "NaN = undefined: a map is constant, e.g. Grad-CAM with φ = negative is the ReLU of a non-positive sum, i.e. zero; " +
            "SSIM of two all-zero maps is 1, so read those rows' SSIM as \"both maps empty\".").AppendLine();

        md.AppendLine("## Summary").AppendLine();
        md.AppendLine("Signed Spearman / SSIM of the top-1 vs least likely class maps, and signed Spearman to the trained model's map " +
            "after randomizing the top block and all blocks (details below).").AppendLine();
        md.AppendLine("| configuration | positive | class: Spearman | class: SSIM | randomized top: Spearman | randomized all: Spearman |");
        md.AppendLine("|---|---|---|---|---|---|");
        foreach (ClassSensitivityResult c in Classes)
        {
            RandomizationCurve? curve = Curve(c.Variant);
            md.AppendLine($"| {c.Variant} | {(Variant(c.Variant)?.PositiveOnly == true ? "yes" : "")} | {F(c.Mean.Spearman)} | {F(c.Mean.Ssim)} | " +
                $"{F(curve?.AfterTopBlock.Mean.Spearman)} | {F(curve?.AfterAllBlocks.Mean.Spearman)} |");
        }
        md.AppendLine();

        AppendClaims(md);

        md.AppendLine("## Class sensitivity: top-1 vs least likely class (claims 17, 18)").AppendLine();
        ClassTable(md, Classes.Where(c => Variant(c.Variant)?.Family != StudyFamily.Contrastive));
        md.AppendLine("## CLRP vs LRP class sensitivity (claim 16)").AppendLine();
        ClassTable(md, Classes.Where(c => c.Variant == "lrp-z-plus" || Variant(c.Variant)?.Family == StudyFamily.Contrastive));

        md.AppendLine("## Cascading randomization (claim 19)").AppendLine();
        if (Curves.Count == 0) md.AppendLine("Not run (--no-randomization).").AppendLine();
        else md.AppendLine("| configuration | top block: Spearman | Spearman \\|·\\| | SSIM | HOG | all blocks: Spearman | Spearman \\|·\\| | SSIM | HOG |");
        if (Curves.Count > 0) md.AppendLine("|---|---|---|---|---|---|---|---|---|");
        foreach (RandomizationCurve c in Curves)
        {
            SimilarityScores top = c.AfterTopBlock.Mean, all = c.AfterAllBlocks.Mean;
            md.AppendLine($"| {c.Method} | {F(top.Spearman)} | {F(top.SpearmanAbsolute)} | {F(top.Ssim)} | {F(top.HogPearson)} | " +
                $"{F(all.Spearman)} | {F(all.SpearmanAbsolute)} | {F(all.Ssim)} | {F(all.HogPearson)} |");
        }
        if (Curves.Count > 0)
        {
            md.AppendLine().AppendLine("Signed Spearman along each curve (step 0 = the trained model):").AppendLine();
            var labels = Curves[0].Steps.Select(st => st.Label).ToArray();
            md.AppendLine($"| configuration | {string.Join(" | ", labels)} |");
            md.AppendLine($"|---|{string.Concat(labels.Select(_ => "---|"))}");
            foreach (RandomizationCurve c in Curves)
                md.AppendLine($"| {c.Method} | {string.Join(" | ", c.Steps.Select(st => F(st.Mean.Spearman)))} |");
        }

        return md.ToString();
    }

    private void AppendClaims(StringBuilder md)
    {
        md.AppendLine("## The claims against these numbers").AppendLine();
        md.AppendLine("Checked on the signed Spearman and on SSIM; \"holds\" needs both.").AppendLine();
        foreach (var (claim, higher, lower) in s_classClaims)
            if (Result(higher) is { } h && Result(lower) is { } l)
                md.AppendLine($"- {claim}: {Verdict(h.Mean, l.Mean)} — `{higher}` {Pair(h.Mean, l.Mean)} `{lower}` (class similarity)");
        if (Curve("gradient") is { } gradient)
        {
            bool startsAtOne = Curves.All(c => c.Steps[0].Mean.Spearman is double.NaN or > 1 - 1e-9 && c.Steps[0].Mean.Ssim is double.NaN or > 1 - 1e-9);
            md.AppendLine($"- 19: {(startsAtOne ? "holds" : "does not hold")} — every curve starts at similarity 1 (step 0 compares the trained model's maps with themselves)");
            foreach (string name in s_stayHigh)
                if (Curve(name) is { } other)
                    md.AppendLine($"- 19: {Verdict(other.AfterTopBlock.Mean, gradient.AfterTopBlock.Mean)} — after randomizing the top block `{name}` " +
                        $"{Pair(other.AfterTopBlock.Mean, gradient.AfterTopBlock.Mean)} `gradient`");
        }
        md.AppendLine();
    }

    public string ToJson()
    {
        static JsonNode? N(double v) => double.IsFinite(v) ? JsonValue.Create(v) : null;
        static JsonObject Scores(SimilarityScores s) => new()
        {
            ["spearman"] = N(s.Spearman), ["spearman_abs"] = N(s.SpearmanAbsolute), ["ssim"] = N(s.Ssim), ["hog_pearson"] = N(s.HogPearson),
        };
        var root = new JsonObject
        {
            ["command"] = Command, ["model"] = Model, ["input"] = Input, ["images"] = Images, ["low"] = Low, ["high"] = High,
            ["seconds"] = Seconds,
            ["class_sensitivity"] = new JsonArray(Classes.Select(c => (JsonNode)new JsonObject
            {
                ["variant"] = c.Variant,
                ["configuration"] = Variant(c.Variant)?.Configuration,
                ["mean"] = Scores(c.Mean),
                ["per_image"] = new JsonArray(c.PerImage.Select(p => (JsonNode)Scores(p)).ToArray()),
                ["top_classes"] = new JsonArray(c.TopClasses.Select(t => (JsonNode)JsonValue.Create(t)).ToArray()),
                ["contrast_classes"] = new JsonArray(c.ContrastClasses.Select(t => (JsonNode)JsonValue.Create(t)).ToArray()),
            }).ToArray()),
            ["randomization"] = new JsonArray(Curves.Select(c => (JsonNode)new JsonObject
            {
                ["variant"] = c.Method,
                ["steps"] = new JsonArray(c.Steps.Select(st => (JsonNode)new JsonObject
                {
                    ["index"] = st.Index, ["label"] = st.Label, ["mean"] = Scores(st.Mean),
                    ["per_image"] = new JsonArray(st.PerImage.Select(p => (JsonNode)Scores(p)).ToArray()),
                    ["targets"] = new JsonArray(st.Targets.Select(t => (JsonNode)JsonValue.Create(t)).ToArray()),
                }).ToArray()),
            }).ToArray()),
        };
        return root.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }

    private void ClassTable(StringBuilder md, IEnumerable<ClassSensitivityResult> rows)
    {
        md.AppendLine("| configuration | family | published | positive | Spearman | Spearman \\|·\\| | SSIM | HOG-Pearson | registry call |");
        md.AppendLine("|---|---|---|---|---|---|---|---|---|");
        foreach (ClassSensitivityResult c in rows)
        {
            StudyVariant? v = Variant(c.Variant);
            md.AppendLine($"| {c.Variant} | {v?.Family.ToString().ToLowerInvariant()} | {(v?.Published == true ? "yes" : "")} | {(v?.PositiveOnly == true ? "yes" : "")} | " +
                $"{F(c.Mean.Spearman)} | {F(c.Mean.SpearmanAbsolute)} | {F(c.Mean.Ssim)} | {F(c.Mean.HogPearson)} | `{v?.Configuration}`{(v?.MapExtra is { } e ? $" (extra \"{e}\")" : "")} |");
        }
        md.AppendLine();
    }

    private static string Verdict(SimilarityScores higher, SimilarityScores lower) =>
        (higher.Spearman > lower.Spearman, higher.Ssim > lower.Ssim) switch
        {
            (true, true) => "holds",
            (false, false) => "does not hold",
            _ => "mixed",
        };

    private static string Pair(SimilarityScores a, SimilarityScores b) =>
        $"(Spearman {F(a.Spearman)} vs {F(b.Spearman)}, SSIM {F(a.Ssim)} vs {F(b.Ssim)}) should exceed";

    private StudyVariant? Variant(string name) => Variants.FirstOrDefault(v => v.Name == name);

    private ClassSensitivityResult? Result(string name) => Classes.FirstOrDefault(c => c.Variant == name);

    private RandomizationCurve? Curve(string name) => Curves.FirstOrDefault(c => c.Method == name);

    private static string F(double? value) => value is { } v ? (double.IsNaN(v) ? "NaN" : v.ToString("F3", s_invariant)) : "-";
}
