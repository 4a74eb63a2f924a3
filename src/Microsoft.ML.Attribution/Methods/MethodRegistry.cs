using Microsoft.ML.Attribution.Composites;
using Microsoft.ML.Attribution.Graph;

namespace Microsoft.ML.Attribution.Methods;

/// <summary>
/// Every method by its canonical kebab-case name, created with "key=value" options (as the CLI and the Explain
/// transform pass them). <see cref="Register"/> adds more.
/// </summary>
public static class MethodRegistry
{
    private static readonly Dictionary<string, (string description, Func<Network, IReadOnlyDictionary<string, string>, IAttributionMethod> create)> s_methods =
        new(StringComparer.Ordinal);

    static MethodRegistry()
    {
        Register("gradient", "∂f_t/∂x (Simonyan et al. 2014)", (n, o) => { RequireNoOptions("gradient", o); return new Gradient(n); });
        Register("gradient-x-input", "x ⊙ ∂f_t/∂x", (n, o) => { RequireNoOptions("gradient-x-input", o); return new GradientTimesInput(n); });
        Register("guided-backprop", "Guided backpropagation (Springenberg et al. 2015); option gradients=positive|signed|negative|absolute",
            (n, o) => new GuidedBackprop(n, OptionsBinder.Bind(new GuidedBackpropOptions(), o)));
        Register("deconvnet", "DeconvNet (Zeiler & Fergus 2014)", (n, o) => { RequireNoOptions("deconvnet", o); return new DeconvNet(n); });
        Register("integrated-gradients", "Integrated Gradients (Sundararajan et al. 2017)",
            (n, o) => new IntegratedGradients(n, OptionsBinder.Bind(new IntegratedGradientsOptions(), o)));
        foreach (NoiseAggregation kind in Enum.GetValues<NoiseAggregation>())
        {
            string name = kind switch { NoiseAggregation.SmoothGradSquared => "smoothgrad-squared", NoiseAggregation.VarGrad => "vargrad", _ => "smoothgrad" };
            Register(name, $"{name} around any method (option method=NAME, default gradient)", (n, o) =>
            {
                SmoothGradOptions options = OptionsBinder.Bind(new SmoothGradOptions { Aggregation = kind }, o);
                IAttributionMethod inner = Create(options.Method, n);
                return new SmoothGrad(inner, options, ownsInner: true);
            });
        }
        Register("gradcam", "Grad-CAM (Selvaraju et al. 2017); option gradients=signed|positive|negative|absolute",
            (n, o) => new GradCam(n, OptionsBinder.Bind(new GradCamOptions(), o)));
        Register("gradcam-plus-plus", "Grad-CAM++ (Chattopadhyay et al. 2018)", (n, o) => new GradCamPlusPlus(n, OptionsBinder.Bind(new GradCamPlusPlusOptions(), o)));
        Register("scorecam", "Score-CAM (Wang et al. 2020), batched over channels", (n, o) => new ScoreCam(n, OptionsBinder.Bind(new ScoreCamOptions(), o)));
        Register("guided-gradcam", "Guided BP × Grad-CAM", (n, o) => new GuidedGradCam(n, OptionsBinder.Bind(new GuidedGradCamOptions(), o)));
        Register("fullgrad", "FullGrad (Srinivas & Fleuret 2019)", (n, o) => new FullGrad(n, OptionsBinder.Bind(new FullGradOptions(), o)));
        Register("occlusion", "Occlusion (Zeiler & Fergus 2014): score drop under a sliding window", (n, o) => new Occlusion(n, OptionsBinder.Bind(new OcclusionOptions(), o)));
        Register("rise", "RISE (Petsiuk et al. 2018): random masks", (n, o) => new Rise(n, OptionsBinder.Bind(new RiseOptions(), o)));
        Register("rectgrad", "RectGrad (Kim et al. 2019): percentile-thresholded ReLU gradients", (n, o) => new RectGrad(n, OptionsBinder.Bind(new RectGradOptions(), o)));
        Register("rectgrad-abs", "RectGrad thresholding |a·g| (Khakzar et al. variant)",
            (n, o) => new RectGrad(n, OptionsBinder.Bind(new RectGradOptions { AbsoluteImportance = true }, o)));
        Register("excitation-backprop", "Excitation backprop / MWP (Zhang et al. 2016)",
            (n, o) => new ExcitationBackprop(n, OptionsBinder.Bind(new ExcitationBackpropOptions(), o)));
        Register("contrastive-excitation-backprop", "Contrastive MWP (Zhang et al. 2016)",
            (n, o) => new ContrastiveExcitationBackprop(n, OptionsBinder.Bind(new ContrastiveExcitationBackpropOptions(), o)));
        Register("dmbp", "DMBP: disentangled masked backpropagation (objective [RECONSTRUCTED], pluggable)",
            (n, o) => new Dmbp(n, OptionsBinder.Bind(new DmbpOptions(), o)));
        Register("rsp", "RSP: relative sectional propagation (VGG release rules; ResNet path [RECONSTRUCTED])",
            (n, o) => new Rsp(n, OptionsBinder.Bind(new RspOptions(), o)));
        Register("clrp", "CLRP: contrastive LRP (option dual=1|2)", (n, o) => new Clrp(n, OptionsBinder.Bind(new ClrpOptions(), o)));
        Register("sglrp", "SGLRP: softmax-gradient LRP", (n, o) => new Sglrp(n, OptionsBinder.Bind(new SglrpOptions(), o)));
        Register("lrp", "LRP with any composite (option composite=NAME)", (n, o) => new Lrp(n, OptionsBinder.Bind(new LrpOptions(), o)));
        foreach (string composite in NamedComposites.Names.Where(c => c is not ("guided-backprop" or "deconvnet" or "gradient" or "excitation-backprop")))
            Register($"lrp-{composite}", $"LRP with the {composite} composite",
                (n, o) => new Lrp(n, OptionsBinder.Bind(new LrpOptions { Composite = composite }, o)));
    }

    public static IReadOnlyCollection<string> Names => s_methods.Keys.Order().ToArray();

    public static string Describe(string name) => s_methods.TryGetValue(name, out var entry) ? entry.description : "";

    /// <summary>Adds (or replaces) a method under <paramref name="name"/>.</summary>
    public static void Register(string name, string description, Func<Network, IReadOnlyDictionary<string, string>, IAttributionMethod> create)
    {
        if (string.IsNullOrWhiteSpace(name) || name != name.ToLowerInvariant() || name.Contains(' '))
            throw new ArgumentException($"Method names are kebab-case, got '{name}'.", nameof(name));
        lock (s_methods) s_methods[name] = (description, create);
    }

    public static bool Contains(string name) => s_methods.ContainsKey(name);

    /// <summary>Methods without options still refuse settings, so a misspelt or misplaced key is not silently ignored.</summary>
    private static void RequireNoOptions(string method, IReadOnlyDictionary<string, string> options)
    {
        if (options.Count > 0)
            throw new ArgumentException($"Unknown option '{options.Keys.First()}': the method '{method}' takes no options.");
    }

    /// <summary>Creates a method by name; unknown names and unknown/bad options throw ArgumentException naming them.</summary>
    public static IAttributionMethod Create(string name, Network network, IReadOnlyDictionary<string, string>? options = null)
    {
        ArgumentNullException.ThrowIfNull(network);
        if (!s_methods.TryGetValue(name, out var entry))
            throw new ArgumentException($"Unknown attribution method '{name}'. Known methods: {string.Join(", ", Names)}.", nameof(name));
        return entry.create(network, options ?? new Dictionary<string, string>());
    }
}
