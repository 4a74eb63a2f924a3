namespace Microsoft.ML.Attribution.Modules;

/// <summary>Which part of a TorchSharp module a <see cref="ModuleLayer"/> runs.</summary>
public enum ModulePart
{
    /// <summary>Input → scores.</summary>
    Whole,

    /// <summary>Input → the split submodule's output.</summary>
    Head,

    /// <summary>(Input, the split submodule's output) → scores.</summary>
    Tail,
}
