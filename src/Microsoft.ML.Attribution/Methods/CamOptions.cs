using Microsoft.ML.Attribution.Maps;

namespace Microsoft.ML.Attribution.Methods;

/// <summary>Options shared by the class-activation-map methods.</summary>
public record CamOptions : MethodOptions
{
    /// <summary>The layer whose activations are weighted (a name from Network.Summary()); null = Network.LastConvolutionalBlock.</summary>
    public string? Layer { get; init; }

    /// <summary>ReLU on the weighted channel sum, as published (off keeps the evidence against the class).</summary>
    public bool Relu { get; init; } = true;

    /// <summary>How the layer-resolution map is resized to the input for <see cref="AttributionMap.Map"/>.</summary>
    public MapInterpolation Upsampling { get; init; } = MapInterpolation.Bilinear;
}
