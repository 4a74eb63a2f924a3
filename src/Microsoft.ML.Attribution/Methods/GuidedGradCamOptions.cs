using Microsoft.ML.Attribution.Maps;

namespace Microsoft.ML.Attribution.Methods;

/// <summary>Options of Guided Grad-CAM; the Grad-CAM factor is upsampled with nearest neighbours by default, as Captum does.</summary>
public sealed record GuidedGradCamOptions : CamOptions
{
    public GuidedGradCamOptions() => Upsampling = MapInterpolation.Nearest;
}
