using Microsoft.ML.Attribution.Metrics;

namespace Microsoft.ML.Attribution.Transforms;

/// <summary>One row's pointing-game outcome: hit or not, the map's maximum (null when the map is missing), and the error (empty when scored).</summary>
public sealed record PointingGameRowResult(bool Hit, ImagePoint? MaxPoint, string Error)
{
    internal static PointingGameRowResult Failed(string error, ImagePoint? point = null) => new(false, point, error);
}
