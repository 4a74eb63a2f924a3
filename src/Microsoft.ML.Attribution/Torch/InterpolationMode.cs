namespace Microsoft.ML.Attribution.Torch;

/// <summary>Resampling for <c>nn.functional.interpolate</c> (numbers shared with the native shim).</summary>
public enum InterpolationMode
{
    Nearest = 0,
    Bilinear = 1,
}
