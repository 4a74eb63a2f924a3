using Microsoft.ML.Attribution.Torch;
using static Microsoft.ML.Attribution.Torch.torch;
using F = Microsoft.ML.Attribution.Torch.torch.nn.functional;

namespace Microsoft.ML.Attribution.Graph.Layers;

/// <summary>2-D convolution. <see cref="Padding"/> is (top, left, bottom, right), so asymmetric ONNX pads are exact.</summary>
public sealed class Conv2d : Layer, ILinearLayer
{
    public Conv2d(string name, string input, string output, Tensor weight, Tensor? bias, long[] stride, long[] padding, long[] dilation, long groups)
        : base(name, [input], output)
    {
        if (weight.Dimensions != 4) throw new ArgumentException($"Conv2d '{name}': weight must be 4-D [out, in/groups, kH, kW], got {weight}.");
        if (stride.Length != 2 || dilation.Length != 2 || padding.Length != 4)
            throw new ArgumentException($"Conv2d '{name}': stride and dilation take 2 values, padding 4 (top, left, bottom, right).");
        Weight = weight;
        Bias = bias;
        Stride = stride;
        Padding = padding;
        Dilation = dilation;
        Groups = groups;
    }

    public Tensor Weight { get; private set; }

    public Tensor? Bias { get; private set; }

    public long[] Stride { get; }

    /// <summary>(top, left, bottom, right).</summary>
    public long[] Padding { get; }

    public long[] Dilation { get; }

    public long Groups { get; }

    public bool HasSymmetricPadding => Padding[0] == Padding[2] && Padding[1] == Padding[3];

    public override IEnumerable<(string name, Tensor value)> Parameters =>
        Bias is null ? [("weight", Weight)] : [("weight", Weight), ("bias", Bias)];

    public override Tensor Forward(IReadOnlyList<Tensor> inputs, LayerTrace? trace) => ForwardWith(inputs[0], Weight, Bias);

    /// <summary>
    /// Whether input-gradient passes of this layer — and the forwards with modified weights that LRP-type rules run —
    /// go through oneDNN's Winograd kernels (when the layer qualifies: 3×3, stride 1, one group, channel counts dividing
    /// by 16, float32 CPU, nothing for autograd to record). The owning <see cref="Network"/> sets it from
    /// <see cref="Network.WinogradGradients"/>.
    /// </summary>
    internal bool WinogradPasses { get; set; } = true;

    /// <summary>Passes (input gradients and modified-weight forwards) that went through oneDNN (a diagnostic for tests).</summary>
    internal int OneDnnPasses => Volatile.Read(ref _oneDnnPasses);

    private int _oneDnnPasses;

    /// <summary>The layer's own side of taking Winograd passes: 3×3, stride 1, one group, whole channel blocks, float32 CPU.</summary>
    private bool QualifiesForWinograd =>
        WinogradPasses && Groups == 1 && Weight.shape[2] == 3 && Weight.shape[3] == 3 && Stride.All(s => s == 1) && Dilation.All(d => d == 1)
        && Weight.shape[0] % Dnnl.Block == 0 && Weight.shape[1] % Dnnl.Block == 0 && Weight.dtype == ScalarType.Float32 && Weight.device.type == DeviceType.CPU;

    private bool TakesWinogradPasses(Tensor input) =>
        QualifiesForWinograd && input.Dimensions == 4 && input.shape[1] == Weight.shape[1] && input.dtype == ScalarType.Float32
        && input.device.type == DeviceType.CPU && !(is_grad_enabled() && (input.requires_grad || Weight.requires_grad));

    private bool TakesWinogradTranspose(Tensor gradOutput, Tensor input) =>
        TakesWinogradPasses(input) && gradOutput.Dimensions == 4 && gradOutput.dtype == ScalarType.Float32
        && !(is_grad_enabled() && gradOutput.requires_grad);

    /// <summary>
    /// This convolution through oneDNN directly (a dense [N,C,H,W] or blocked [N,C/16,H,W,16] float32 CPU input): the
    /// output, blocked when the output channels divide by 16; null when oneDNN has no kernel for the case.
    /// <paramref name="epilogue"/> rectifies the output and/or adds it into <paramref name="accumulate"/> in the same pass.
    /// </summary>
    internal (Tensor output, bool blocked)? ForwardOneDnn(Tensor input, bool inputBlocked, bool winograd,
        ConvolutionEpilogue epilogue = ConvolutionEpilogue.None, Tensor? accumulate = null) =>
        OnKernel(() => Kernel(new KernelKey(OwnWeights, Bias is not null, winograd, epilogue), null), k => k.Forward(input, inputBlocked, accumulate));

    /// <summary>
    /// <paramref name="call"/> on the kernel <paramref name="kernel"/> looks up. Another thread may drop that kernel between
    /// the lookup and the call (a weight changed, a modifier evicted): it is looked up again, and after a few such races
    /// the result is null, so the caller runs libtorch's kernel instead.
    /// </summary>
    private static T? OnKernel<T>(Func<DnnlConvolution> kernel, Func<DnnlConvolution, T?> call)
    {
        for (int attempt = 0; attempt < 4; attempt++)
        {
            try
            {
                return call(kernel());
            }
            catch (ObjectDisposedException)
            {
            }
        }
        return default;
    }

    // Kernels by (weight modifier, bias, Winograd allowed, epilogue); each keeps packed weights per input shape.
    private readonly record struct KernelKey(string Modifier, bool Bias, bool Winograd, ConvolutionEpilogue Epilogue);

    private const string OwnWeights = "";

    // Kernels of modified weights hold packed copies (Winograd's are 4× the weight, forward and transpose each): a layer
    // keeps those of the two modifiers used last (W⁺ and W⁻ for αβ, the two γ variants), so switching composites or sweeping
    // γ repacks instead of piling up copies.
    private const int KeptModifiers = 2;

    private DnnlConvolution Kernel(KernelKey key, WeightModifier? modifier)
    {
        lock (_kernelLock)
        {
            if (KernelsAreStale) DropKernels();
            if (key.Modifier != OwnWeights) UseModifier(key.Modifier);
            if (_kernels.TryGetValue(key, out DnnlConvolution? kernel)) return kernel;
            // The native kernel keeps its own reference to modified weights: the managed copies can go.
            using Tensor? weight = modifier?.Apply(Weight);
            using Tensor? bias = modifier is not null && key.Bias ? modifier.Apply(Bias!) : null;
            // Kernels of the same weights share one set of packed copies, whatever their epilogue, bias or algorithm.
            DnnlConvolution? sibling = _kernels.FirstOrDefault(k => k.Key.Modifier == key.Modifier).Value;
            kernel = new DnnlConvolution(weight ?? Weight, modifier is null ? Bias : bias, Stride, Padding, Dilation, Groups, key.Winograd, key.Epilogue,
                sibling);
            _kernels.Add(key, kernel);
            _kernelsFrom = Weight;
            _kernelsVersion = Weight.version;
            _kernelsBias = Bias;
            _kernelsBiasVersion = Bias?.version ?? 0;
            return kernel;
        }
    }

    /// <summary>A Winograd kernel with the weights <paramref name="modifier"/> gives, for transposes (any bias variant will do).</summary>
    private DnnlConvolution TransposeKernel(WeightModifier? modifier)
    {
        string key = modifier?.Key ?? OwnWeights;
        lock (_kernelLock)
        {
            if (KernelsAreStale) DropKernels();
            if (key != OwnWeights) UseModifier(key);
            foreach (bool bias in new[] { true, false })
                if (_kernels.TryGetValue(new KernelKey(key, bias, true, ConvolutionEpilogue.None), out DnnlConvolution? kernel))
                    return kernel;
        }
        return Kernel(new KernelKey(key, modifier is null && Bias is not null, true, ConvolutionEpilogue.None), modifier);
    }

    /// <summary>A weight or bias changed in place or replaced since the kernels were made: their packed copies are stale (call under the lock).</summary>
    private bool KernelsAreStale =>
        _kernelsFrom is not null && (!ReferenceEquals(_kernelsFrom, Weight) || _kernelsVersion != Weight.version || !ReferenceEquals(_kernelsBias, Bias)
            || (Bias is not null && _kernelsBiasVersion != Bias.version));

    /// <summary>Marks <paramref name="modifier"/> used last, dropping the kernels of the least recently used beyond <see cref="KeptModifiers"/>.</summary>
    private void UseModifier(string modifier)
    {
        _modifiersByUse.Remove(modifier);
        _modifiersByUse.Add(modifier);
        if (_modifiersByUse.Count <= KeptModifiers) return;
        string evicted = _modifiersByUse[0];
        _modifiersByUse.RemoveAt(0);
        foreach (KernelKey stale in _kernels.Keys.Where(k => k.Modifier == evicted).ToArray())
        {
            _kernels[stale].Dispose();
            _kernels.Remove(stale);
        }
    }

    /// <summary>The modifiers whose kernels this layer keeps, least recently used first (a diagnostic for tests).</summary>
    internal string[] KeptModifierKeys
    {
        get
        {
            lock (_kernelLock) return _kernels.Keys.Select(k => k.Modifier).Where(m => m != OwnWeights).Distinct().OrderBy(_modifiersByUse.IndexOf).ToArray();
        }
    }

    private void DropKernels()
    {
        _modifiersByUse.Clear();
        foreach (DnnlConvolution kernel in _kernels.Values) kernel.Dispose();
        _kernels.Clear();
        _kernelsFrom = null;
    }

    private readonly object _kernelLock = new();
    private readonly Dictionary<KernelKey, DnnlConvolution> _kernels = [];
    private readonly List<string> _modifiersByUse = [];
    private Tensor? _kernelsFrom, _kernelsBias;
    private long _kernelsVersion, _kernelsBiasVersion;

    public override void Dispose()
    {
        lock (_kernelLock) DropKernels();
        base.Dispose();
    }

    /// <summary>
    /// Whether this layer keeps Winograd kernels per weight modifier (3×3, stride 1, one group, channel counts dividing by
    /// 16, float32, Winograd passes on); the others leave rules to make modified weights once per call.
    /// </summary>
    public bool RunsModifiedPassesItself => QualifiesForWinograd;

    /// <summary>This convolution with other weights/bias (LRP rules use modified weights such as W⁺).</summary>
    public Tensor ForwardWith(Tensor input, Tensor weight, Tensor? bias) =>
        F.conv2d(input, weight, bias, Stride, Padding, Dilation, Groups);

    /// <summary>
    /// This convolution with modified weights (and bias): through a kept Winograd kernel made from them where the layer
    /// qualifies (see <see cref="WinogradPasses"/>), else libtorch's with freshly modified copies.
    /// </summary>
    public Tensor ForwardModified(Tensor input, WeightModifier modifier, bool withBias) =>
        (TakesWinogradPasses(input) ? WinogradForward(input, new KernelKey(modifier.Key, withBias && Bias is not null, true, ConvolutionEpilogue.None), modifier) : null)
        ?? ILinearLayer.ForwardWithModifiedCopies(this, input, modifier, withBias);

    /// <summary>
    /// This layer's own forward of a dense input through its Winograd kernel, dense out (null when the layer does not
    /// qualify): for recorded forwards whose methods tolerate the kernels' rounding.
    /// </summary>
    internal Tensor? ForwardWinograd(Tensor input) =>
        TakesWinogradPasses(input) ? WinogradForward(input, new KernelKey(OwnWeights, Bias is not null, true, ConvolutionEpilogue.None), null) : null;

    private Tensor? WinogradForward(Tensor input, KernelKey key, WeightModifier? modifier)
    {
        using Tensor blockedInput = Dnnl.ToBlocked(input);
        if (OnKernel(() => Kernel(key, modifier), k => k.Forward(blockedInput, inputBlocked: true)) is not { } result) return null;
        Interlocked.Increment(ref _oneDnnPasses);
        if (!result.blocked) return result.output;
        using (result.output) return Dnnl.ToDense(result.output);
    }

    /// <summary>
    /// Where this layer's transposes take Winograd's kernels, <paramref name="s"/> without the units whose window of
    /// <paramref name="x"/> is all zero. Such a unit has z = 0 without a bias (s = R/ε: huge), and Winograd's transpose
    /// would spread ~10⁻⁷ of it over the rest of its 6×6 tile — onto inputs that are not zero. One pass over x.
    /// </summary>
    public Tensor DropUnitsOverZeroWindows(Tensor s, Tensor x, Tensor input)
    {
        if (!TakesWinogradTranspose(s, input) || x.Dimensions != 4) return s;
        using var scope = NewDisposeScope();
        Tensor largest = x.amax([1], keepdim: true).maximum(x.amin([1], keepdim: true).neg()); // max |x| over channels, without an |x| copy
        Tensor padded = F.pad(largest, [Padding[1], Padding[3], Padding[0], Padding[2]]);
        Tensor windows = F.max_pool2d(padded, [Weight.shape[2], Weight.shape[3]], Stride, [0, 0], Dilation);
        if (!windows.shape.Skip(2).SequenceEqual(s.shape.Skip(2))) return s.alias().MoveToOuterDisposeScope();
        return (s * windows.gt(0).to(s.dtype)).MoveToOuterDisposeScope();
    }

    /// <summary>The transpose with modified weights, through the same kept kernels where the layer qualifies.</summary>
    public Tensor TransposeModified(Tensor gradOutput, Tensor input, WeightModifier modifier) =>
        WinogradTranspose(gradOutput, input, modifier) ?? ILinearLayer.TransposeWithModifiedCopy(this, gradOutput, input, modifier);

    /// <summary>The transpose through the Winograd kernel of these weights (<paramref name="modifier"/>'s, or the layer's own); null where it does not apply.</summary>
    private Tensor? WinogradTranspose(Tensor gradOutput, Tensor input, WeightModifier? modifier)
    {
        if (!TakesWinogradTranspose(gradOutput, input)
            || OnKernel(() => TransposeKernel(modifier), k => k.BackwardData(gradOutput, input.shape[2], input.shape[3])) is not { } fast)
            return null;
        Interlocked.Increment(ref _oneDnnPasses);
        return fast;
    }

    /// <summary>The transpose (input-gradient) of this convolution with <paramref name="weight"/>, for an input shaped like <paramref name="input"/>.</summary>
    public Tensor TransposeWith(Tensor gradOutput, Tensor input, Tensor weight) => TransposeWith(gradOutput, input, weight, exact: false);

    /// <summary>
    /// The transpose as above; <paramref name="exact"/> keeps libtorch's direct kernel even where
    /// <see cref="Network.WinogradGradients"/> would take Winograd's (for rules whose decisions are discontinuous in the
    /// gradient, such as RectGrad's percentile threshold).
    /// </summary>
    public Tensor TransposeWith(Tensor gradOutput, Tensor input, Tensor weight, bool exact)
    {
        if (!exact && ReferenceEquals(weight, Weight) && WinogradTranspose(gradOutput, input, null) is { } fast) return fast;
        if (HasSymmetricPadding)
            return F.conv2d_backward(gradOutput, input, weight, Stride, [Padding[0], Padding[1]], Dilation, Groups).input!;
        using Tensor padded = F.pad(input, [Padding[1], Padding[3], Padding[0], Padding[2]]);
        using Tensor grad = F.conv2d_backward(gradOutput, padded, weight, Stride, null, Dilation, Groups).input!;
        return F.pad(grad, [-Padding[1], -Padding[3], -Padding[0], -Padding[2]]);
    }

    public override Tensor[] Backward(LayerTrace trace, Tensor gradOutput) => [TransposeWith(gradOutput, trace.Input, Weight)];

    public override Tensor? ForwardTangent(LayerTrace trace, IReadOnlyList<Tensor?> tangents) => ForwardWith(tangents[0]!, Weight, null);

    public override Layer CloneWith(Func<Tensor, Tensor> map) =>
        WithShapesOf(new Conv2d(Name, Inputs[0], Output, map(Weight), Bias is null ? null : map(Bias), Stride, Padding, Dilation, Groups));

    /// <summary>Replaces the parameters (used by canonizers that fold a BatchNorm into this layer).</summary>
    internal void SetParameters(Tensor weight, Tensor? bias)
    {
        Weight.Dispose();
        Bias?.Dispose();
        Weight = weight;
        Bias = bias;
    }
}
