using Microsoft.ML.Attribution.Graph;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Attribution.Modules;

/// <summary>
/// A TorchSharp module as one opaque layer of a <see cref="Network"/>: its forward is the module's, its backward is
/// autograd through it (input gradients only: the module's parameters are never differentiated). With a split point
/// (a named submodule) the module runs in two parts, so the submodule's output is a value of the network that CAM
/// methods can read and differentiate: <see cref="ModulePart.Head"/> computes it from the input, and
/// <see cref="ModulePart.Tail"/> computes the scores from the input and that value (the module runs again with the
/// submodule's output replaced, so paths that bypass the submodule still see the real input).
/// </summary>
public sealed class ModuleLayer : Layer
{
    private readonly nn.Module<Tensor, Tensor> _module;
    private readonly nn.Module<Tensor, Tensor>? _split;

    internal ModuleLayer(string name, IReadOnlyList<string> inputs, string output, nn.Module<Tensor, Tensor> module,
        ModulePart part, string? splitName, nn.Module<Tensor, Tensor>? split)
        : base(name, inputs, output)
    {
        _module = module;
        Part = part;
        SplitName = splitName;
        _split = split;
    }

    public ModulePart Part { get; }

    /// <summary>The submodule the module is split at (null for <see cref="ModulePart.Whole"/>).</summary>
    public string? SplitName { get; }

    public override string Kind => $"Module{Part}";

    public override Tensor Forward(IReadOnlyList<Tensor> inputs, LayerTrace? trace) => Part switch
    {
        ModulePart.Whole => _module.call(inputs[0]),
        ModulePart.Head => RunToSplit(inputs[0]),
        _ => RunWithSplitOutput(inputs[0], inputs[1]),
    };

    /// <summary>The module's own parameters stay with the module (moved or converted by the caller), so clones share it.</summary>
    public override Layer CloneWith(Func<Tensor, Tensor> map) => WithShapesOf(new ModuleLayer(Name, Inputs, Output, _module, Part, SplitName, _split));

    /// <summary>The module is the caller's: disposing the network leaves it alive.</summary>
    public override void Dispose() => GC.SuppressFinalize(this);

    private Tensor RunToSplit(Tensor input)
    {
        Tensor? captured = null;
        var hook = _split!.register_forward_hook((_, _, output) =>
        {
            // The module's own dispose scopes free what they made as the stop unwinds them: keep a handle of ours.
            captured = output.alias().DetachFromDisposeScope();
            throw new SplitReached();
        });
        try
        {
            _module.call(input).Dispose();
        }
        catch (SplitReached)
        {
        }
        finally
        {
            hook.remove();
        }
        if (captured is not null) CurrentDisposeScope?.Attach(captured);
        return captured ?? throw new InvalidOperationException(
            $"The module never called its submodule '{SplitName}' (called through a container's forward, it must run as part of the module's forward).");
    }

    private Tensor RunWithSplitOutput(Tensor input, Tensor splitOutput)
    {
        bool replaced = false;
        var hook = _split!.register_forward_hook((_, _, output) =>
        {
            if (!output.shape.SequenceEqual(splitOutput.shape))
                throw new InvalidOperationException($"Submodule '{SplitName}' returned [{string.Join(",", output.shape)}] here but [{string.Join(",", splitOutput.shape)}] is given.");
            replaced = true;
            return splitOutput;
        });
        Tensor scores;
        try
        {
            scores = _module.call(input);
        }
        finally
        {
            hook.remove();
        }
        if (!replaced)
            throw new InvalidOperationException($"The module never called its submodule '{SplitName}'.");
        return scores;
    }

    /// <summary>Stops the module's forward once the split point's output is known (the rest is the tail's work).</summary>
    private sealed class SplitReached : Exception;
}
