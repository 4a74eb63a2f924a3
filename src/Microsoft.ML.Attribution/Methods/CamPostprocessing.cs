using Microsoft.ML.Attribution.Maps;
using Microsoft.ML.Attribution.Tensors;
using static TorchSharp.torch;

namespace Microsoft.ML.Attribution.Methods;

/// <summary>Display conventions of other CAM libraries, to compare with them or to show maps the way they do.</summary>
public static class CamPostprocessing
{
    /// <summary>
    /// pytorch-grad-cam's output for one target layer, from a layer-resolution cam [N, 1, h, w]: ReLU, per-image
    /// (x − min)/(max + 1e-7) after the shift, cv2.resize INTER_LINEAR (= bilinear, align_corners=false) to
    /// height × width, then ReLU and the same per-image scaling again. Returns [N, 1, height, width].
    /// </summary>
    public static Tensor PytorchGradCamStyle(Tensor cam, long height, long width)
    {
        ArgumentNullException.ThrowIfNull(cam);
        using var scope = NewDisposeScope();
        Tensor scaled = MapNormalization.MinMax(cam.relu());
        Tensor resized = MapResize.Resize(scaled, height, width, MapInterpolation.Bilinear);
        return MapNormalization.MinMax(resized.relu()).MoveToOuterDisposeScope();
    }
}
