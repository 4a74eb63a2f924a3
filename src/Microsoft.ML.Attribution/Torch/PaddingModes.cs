namespace Microsoft.ML.Attribution.Torch;

/// <summary>How <c>nn.functional.pad</c> fills new cells (numbers shared with the native shim).</summary>
public enum PaddingModes
{
    Constant = 0,
    Reflect = 1,
    Replicate = 2,
    Circular = 3,
}
